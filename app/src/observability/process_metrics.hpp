#pragma once

#include <string>

namespace minitwit::observability {

// The standard process_* metrics of Prometheus clients, read from /proc/self at each call, in
// the text exposition format: process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_start_time_seconds, process_open_fds, process_max_fds.
// Shared by the app and the operator (library minitwit_process_metrics). A file that cannot be
// read leaves its metrics out rather than reporting a false 0.
std::string RenderProcessMetrics();

// The parts, for tests: the text for one /proc/self/stat line, /proc/stat's btime, and counts.
struct ProcessSample {
  double cpu_seconds = 0;
  double resident_bytes = 0;
  double virtual_bytes = 0;
  double start_time_seconds = 0;
};
// Parses /proc/self/stat (`stat`) given the clock ticks per second, the page size and the boot
// time in seconds since the epoch; false when the line is malformed.
bool ParseProcStat(const std::string& stat, long ticks_per_second, long page_size, double boot_time,
                   ProcessSample& out);

}  // namespace minitwit::observability
