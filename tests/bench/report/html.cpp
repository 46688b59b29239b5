#include "report/html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace minitwit::report {
namespace {

constexpr double kWidth = 1200, kHeight = 230;
constexpr double kLeft = 70, kRight = 170, kTop = 30, kBottom = 36;

struct Series {
  std::string name;
  std::string color;
  const std::vector<double>* xs;
  const std::vector<double>* ys;
  bool dashed = false;
  bool steps = false;  // replicas change in steps: draw them as such
};

struct Marker {
  double x;
  std::string label;
};

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Num(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

// 1, 2 or 5 times a power of ten, at least `value`.
double NiceCeiling(double value) {
  if (!(value > 0)) return 1;
  const double power = std::pow(10, std::floor(std::log10(value)));
  for (double step : {1.0, 2.0, 5.0, 10.0}) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

std::string Chart(const std::string& id, const std::string& title, const std::string& unit,
                  const std::vector<Series>& series, double x_max, const std::vector<Marker>& markers,
                  std::optional<double> y_floor = std::nullopt) {
  double y_max = y_floor.value_or(0);
  for (const Series& s : series) {
    for (double y : *s.ys) {
      if (!std::isnan(y)) y_max = std::max(y_max, y);
    }
  }
  y_max = NiceCeiling(y_max * 1.05);
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  auto px = [&](double x) { return kLeft + plot_w * std::clamp(x / x_max, 0.0, 1.0); };
  auto py = [&](double y) { return kTop + plot_h * (1 - std::clamp(y / y_max, 0.0, 1.0)); };

  std::string svg = "<figure><svg id=\"" + id + "\" class=\"chart\" role=\"img\" viewBox=\"0 0 " + Num(kWidth) + " " +
                    Num(kHeight) + "\" width=\"" + Num(kWidth) + "\" height=\"" + Num(kHeight) +
                    "\" xmlns=\"http://www.w3.org/2000/svg\">\n";
  svg += "<title>" + Escape(title) + "</title>\n";
  svg += "<text class=\"title\" x=\"" + Num(kLeft) + "\" y=\"18\">" + Escape(title) + " (" + Escape(unit) + ")</text>\n";
  // Grid and axes: y in fifths of a 1-2-5 maximum (round labels); a tick every 30 s (60 s
  // on long runs).
  for (int i = 0; i <= 5; ++i) {
    const double y = y_max * i / 5;
    svg += "<line class=\"grid\" x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kLeft + plot_w) + "\" y1=\"" + Num(py(y)) +
           "\" y2=\"" + Num(py(y)) + "\"/><text class=\"tick\" x=\"" + Num(kLeft - 6) + "\" y=\"" + Num(py(y) + 4) +
           "\" text-anchor=\"end\">" + (y_max < 5 ? Num(y) : std::to_string(static_cast<long>(std::lround(y)))) +
           "</text>\n";
  }
  const double tick = x_max > 600 ? 60 : 30;
  for (double x = 0; x <= x_max + 1e-9; x += tick) {
    svg += "<line class=\"grid\" x1=\"" + Num(px(x)) + "\" x2=\"" + Num(px(x)) + "\" y1=\"" + Num(kTop) + "\" y2=\"" +
           Num(kTop + plot_h) + "\"/><text class=\"tick\" x=\"" + Num(px(x)) + "\" y=\"" + Num(kTop + plot_h + 16) +
           "\" text-anchor=\"middle\">" + std::to_string(static_cast<long>(x)) + "</text>\n";
  }
  svg += "<text class=\"tick\" x=\"" + Num(kLeft + plot_w) + "\" y=\"" + Num(kHeight - 4) +
         "\" text-anchor=\"end\">seconds since the load started</text>\n";
  double label_y = kTop + 10;  // labels step down so close markers stay readable
  for (const Marker& m : markers) {
    if (std::isnan(m.x)) continue;
    svg += "<line class=\"marker\" x1=\"" + Num(px(m.x)) + "\" x2=\"" + Num(px(m.x)) + "\" y1=\"" + Num(kTop) +
           "\" y2=\"" + Num(kTop + plot_h) + "\"/><text class=\"marker-label\" x=\"" + Num(px(m.x) + 3) + "\" y=\"" +
           Num(label_y) + "\">" + Escape(m.label) + "</text>\n";
    label_y += 14;
  }
  double legend_y = kTop + 6;
  for (const Series& s : series) {
    std::string points;
    std::size_t count = 0;
    double last_y = std::nan("");
    for (std::size_t i = 0; i < s.xs->size() && i < s.ys->size(); ++i) {
      const double x = (*s.xs)[i], y = (*s.ys)[i];
      if (std::isnan(y) || std::isnan(x)) continue;
      if (s.steps && !std::isnan(last_y)) points += Num(px(x)) + "," + Num(py(last_y)) + " ";
      points += Num(px(x)) + "," + Num(py(y)) + " ";
      last_y = y;
      ++count;
    }
    if (!points.empty()) points.pop_back();
    svg += "<polyline class=\"series\" data-series=\"" + Escape(s.name) + "\" data-points=\"" + std::to_string(count) +
           "\" fill=\"none\" stroke=\"" + s.color + "\" stroke-width=\"2\"" +
           (s.dashed ? " stroke-dasharray=\"6 4\"" : "") + " points=\"" + points + "\"/>\n";
    svg += "<line x1=\"" + Num(kWidth - kRight + 16) + "\" x2=\"" + Num(kWidth - kRight + 40) + "\" y1=\"" +
           Num(legend_y) + "\" y2=\"" + Num(legend_y) + "\" stroke=\"" + s.color + "\" stroke-width=\"2\"" +
           (s.dashed ? " stroke-dasharray=\"6 4\"" : "") + "/><text class=\"legend\" x=\"" +
           Num(kWidth - kRight + 46) + "\" y=\"" + Num(legend_y + 4) + "\">" + Escape(s.name) + "</text>\n";
    legend_y += 18;
  }
  svg += "</svg></figure>\n";
  return svg;
}

std::string Seconds(double value) { return std::isnan(value) ? "did not happen" : Num(value) + " s"; }

std::string LatencyCell(const WindowLatency& w) {
  if (w.seconds == 0) return "no requests";
  return Num(w.median_p99_ms) + " ms (worst second " + Num(w.worst_p99_ms) + " ms; " + std::to_string(w.seconds) +
         " s)";
}

}  // namespace

std::string RenderHtml(const ScalingRun& run, const Figures& f, const std::string& title) {
  double x_max = run.t.empty() ? 1 : run.t.back() + 1;
  for (double t : run.ct) x_max = std::max(x_max, t);
  x_max = std::ceil(x_max / 10) * 10;

  std::vector<double> errors_total(run.t.size());
  for (std::size_t i = 0; i < run.t.size(); ++i) errors_total[i] = run.ErrorsAt(i);

  const std::vector<Marker> markers = {
      {f.step_start_s, "step"},
      {f.step_end_s, "step ends"},
      {std::isnan(f.first_scale_up_s) ? f.first_scale_up_s : f.step_start_s + f.first_scale_up_s, "first scale-up"}};

  std::string html = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>)" + Escape(title) + R"(</title>
<style>
body { font: 14px/1.4 sans-serif; margin: 24px; color: #222; background: #fff; }
h1 { font-size: 20px; margin: 0 0 8px; }
table { border-collapse: collapse; margin: 12px 0 20px; }
td, th { border: 1px solid #ccc; padding: 3px 10px; text-align: left; }
figure { margin: 0 0 10px; }
.chart .grid { stroke: #e4e4e4; stroke-width: 1; }
.chart .tick, .chart .legend, .chart .marker-label { font-size: 12px; fill: #555; }
.chart .title { font-size: 14px; font-weight: bold; fill: #222; }
.chart .marker { stroke: #999; stroke-dasharray: 2 3; }
</style></head><body>
<h1>)" + Escape(title) + R"(</h1>
<p>Open-loop load from minitwit-sim (latency from each request's intended send time) and the
cluster's side (HPA, ready pods, CPU from metrics-server via the HPA status), on one clock.</p>
<table id="figures">
)";
  auto row = [&html](const std::string& name, const std::string& value) {
    html += "<tr><th>" + Escape(name) + "</th><td>" + Escape(value) + "</td></tr>\n";
  };
  row("load", Num(f.base_rps) + " req/s, then a step to " + Num(f.peak_rps) + " req/s from " + Num(f.step_start_s) +
                  " s to " + Num(f.step_end_s) + " s");
  row("replicas", "min " + std::to_string(f.min_replicas) + ", peak desired " + std::to_string(f.peak_replicas) +
                      ", peak ready " + std::to_string(f.peak_ready));
  row("step to first scale-up", Seconds(f.first_scale_up_s));
  row("step to peak desired / peak ready", Seconds(f.peak_desired_s) + " / " + Seconds(f.peak_ready_s));
  row("end of step to back at min replicas", Seconds(f.back_to_min_s));
  row("p99 before the step", LatencyCell(f.before));
  row("p99 during scale-up", LatencyCell(f.during));
  row("p99 after scale-up", LatencyCell(f.after));
  row("failed requests (scale-up / scale-down / whole run)", std::to_string(f.failed_scale_up) + " / " +
                                                                 std::to_string(f.failed_scale_down) + " / " +
                                                                 std::to_string(f.failed) + " of " +
                                                                 std::to_string(f.requests));
  row("cluster samples not Ready", std::to_string(f.not_ready_samples));
  html += "</table>\n";

  html += Chart("rate", "Request rate", "requests per second",
                {{"target", "#888888", &run.t, &run.target_rps, true},
                 {"sent", "#1f77b4", &run.t, &run.sent},
                 {"ok", "#2ca02c", &run.t, &run.ok}},
                x_max, markers);
  html += Chart("latency", "Latency from the intended send time", "ms",
                {{"p50", "#1f77b4", &run.t, &run.p50_ms}, {"p99", "#d62728", &run.t, &run.p99_ms}}, x_max, markers);
  html += Chart("errors", "Errors", "per second",
                {{"all errors", "#d62728", &run.t, &errors_total},
                 {"connection", "#ff7f0e", &run.t, &run.connection},
                 {"timeout", "#9467bd", &run.t, &run.timeout},
                 {"status", "#8c564b", &run.t, &run.status},
                 {"dropped", "#7f7f7f", &run.t, &run.dropped}},
                x_max, markers, 1.0);
  html += Chart("replicas", "Replicas", "pods",
                {{"HPA desired", "#ff7f0e", &run.ct, &run.hpa_desired, false, true},
                 {"HPA current", "#1f77b4", &run.ct, &run.hpa_current, true, true},
                 {"ready pods", "#2ca02c", &run.ct, &run.ready_pods, false, true}},
                x_max, markers, 1.0);
  html += Chart("cpu", "Average CPU utilisation", "% of requests",
                {{"utilisation", "#d62728", &run.ct, &run.cpu_utilization},
                 {"target", "#888888", &run.ct, &run.cpu_target, true}},
                x_max, markers);
  html += "</body></html>\n";
  return html;
}

}  // namespace minitwit::report
