#include "sim/profile.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace minitwit::sim {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

std::optional<double> ParseNonNegative(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value) || value < 0) return std::nullopt;
  return value;
}

std::optional<double> ParseDuration(std::string_view text) {
  double scale = 1;
  if (text.size() > 2 && text.substr(text.size() - 2) == "ms") {
    scale = 0.001;
    text.remove_suffix(2);
  } else if (!text.empty() && text.back() == 's') {
    text.remove_suffix(1);
  } else if (!text.empty() && text.back() == 'm') {
    scale = 60;
    text.remove_suffix(1);
  }
  const auto value = ParseNonNegative(text);
  if (!value) return std::nullopt;
  return *value * scale;
}

// "[NAME:]DURATION@RATE" or "[NAME:]DURATION@FROM-TO".
std::optional<Segment> ParseSegment(std::string_view text, std::size_t index, std::string* error) {
  Segment segment;
  const std::size_t colon = text.find(':');
  if (colon != std::string_view::npos) {
    segment.name = std::string(Trim(text.substr(0, colon)));
    text = text.substr(colon + 1);
  }
  if (segment.name.empty()) segment.name = "segment" + std::to_string(index + 1);
  const std::size_t at = text.find('@');
  if (at == std::string_view::npos) {
    *error = "'" + std::string(text) + "' needs DURATION@RATE";
    return std::nullopt;
  }
  const auto duration = ParseDuration(Trim(text.substr(0, at)));
  if (!duration || *duration <= 0) {
    *error = "'" + segment.name + "': duration '" + std::string(Trim(text.substr(0, at))) +
             "' is not a positive time (30s, 2m, 500ms)";
    return std::nullopt;
  }
  segment.duration_s = *duration;
  const std::string_view rates = Trim(text.substr(at + 1));
  const std::size_t dash = rates.find('-');
  const auto from = ParseNonNegative(Trim(rates.substr(0, dash)));
  const auto to = dash == std::string_view::npos ? from : ParseNonNegative(Trim(rates.substr(dash + 1)));
  if (!from || !to) {
    *error = "'" + segment.name + "': rate '" + std::string(rates) + "' is not RATE or FROM-TO (requests per second)";
    return std::nullopt;
  }
  segment.from_rps = *from;
  segment.to_rps = *to;
  return segment;
}

}  // namespace

double Profile::DurationSeconds() const {
  double total = 0;
  for (const Segment& segment : segments) total += segment.duration_s;
  return total;
}

double Profile::RateAt(double t) const {
  if (t < 0) return 0;
  for (const Segment& segment : segments) {
    if (t < segment.duration_s) {
      return segment.from_rps + (segment.to_rps - segment.from_rps) * t / segment.duration_s;
    }
    t -= segment.duration_s;
  }
  return 0;
}

ProfileResult ParseProfile(std::string_view text) {
  ProfileResult result;
  std::size_t index = 0;
  while (!text.empty()) {
    const std::size_t end = text.find_first_of(",\n");
    std::string_view item = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (const std::size_t hash = item.find('#'); hash != std::string_view::npos) item = item.substr(0, hash);
    item = Trim(item);
    if (item.empty()) continue;
    auto segment = ParseSegment(item, index++, &result.error);
    if (!segment) {
      result.error = "profile: " + result.error;
      return result;
    }
    result.profile.segments.push_back(std::move(*segment));
  }
  if (result.profile.segments.empty()) result.error = "profile: no segment (e.g. warm:30s@20,step:60s@150)";
  return result;
}

ProfileResult LoadProfile(const std::string& value) {
  std::ifstream file(value);
  if (!file) return ParseProfile(value);
  std::ostringstream text;
  text << file.rdbuf();
  ProfileResult result = ParseProfile(text.str());
  if (!result.error.empty()) result.error = value + ": " + result.error;
  return result;
}

ArrivalSchedule::ArrivalSchedule(Profile profile) : profile_(std::move(profile)) {}

std::optional<double> ArrivalSchedule::Next() {
  double need = 1.0;  // arrivals still to accumulate before the next send
  while (segment_ < profile_.segments.size()) {
    const Segment& s = profile_.segments[segment_];
    const double a = s.from_rps;
    const double b = (s.to_rps - s.from_rps) / s.duration_s;  // rate(u) = a + b u
    const double u = offset_s_;
    const double d = s.duration_s;
    const double left = a * (d - u) + b / 2 * (d * d - u * u);  // arrivals in the rest of the segment
    if (left < need - 1e-9) {  // tolerance: float sums must not lose the last arrival
      need -= std::max(0.0, left);
      segment_start_s_ += d;
      offset_s_ = 0;
      ++segment_;
      continue;
    }
    // Solve a x + b/2 x^2 = a u + b/2 u^2 + need for x in [u, d]; this form of the root is
    // stable for b of either sign and for b near 0.
    const double k = a * u + b / 2 * u * u + need;
    const double x = 2 * k / (a + std::sqrt(std::max(0.0, a * a + 2 * b * k)));
    offset_s_ = std::min(std::max(x, u), d);
    return segment_start_s_ + offset_s_;
  }
  return std::nullopt;
}

}  // namespace minitwit::sim
