#pragma once

#include <string>

#include "report/figures.hpp"

namespace minitwit::report {

// One self-contained HTML page: the figures as a table and five inline SVG plots on one
// time axis (request rate, p50/p99 latency, errors, replicas, CPU against the target).
// No script, stylesheet link or font from outside: it opens from a file anywhere.
std::string RenderHtml(const ScalingRun& run, const Figures& figures, const std::string& title);

}  // namespace minitwit::report
