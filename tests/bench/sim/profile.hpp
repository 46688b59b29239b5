#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace minitwit::sim {

// One part of an open-loop load profile: `duration_s` seconds whose arrival rate goes
// linearly from `from_rps` to `to_rps` (equal for a step; 0 for a pause).
struct Segment {
  std::string name;
  double duration_s = 0;
  double from_rps = 0;
  double to_rps = 0;
};

struct Profile {
  std::vector<Segment> segments;
  double DurationSeconds() const;
  // The target rate `t` seconds after the start; 0 outside the profile.
  double RateAt(double t) const;
};

struct ProfileResult {
  Profile profile;
  std::string error;  // empty when the text is a valid profile
};

// Segments separated by commas or newlines: [NAME:]DURATION@RATE or [NAME:]DURATION@FROM-TO
// (a ramp). DURATION is 30s, 2m, 1500ms or plain seconds; rates are requests per second.
// '#' starts a comment. Example: "warm:30s@20,ramp:20s@20-150,step:120s@150,drop:60s@0".
ProfileResult ParseProfile(std::string_view text);

// --profile's value: the file's text when `value` names a readable file, else the value itself.
ProfileResult LoadProfile(const std::string& value);

// The intended send times of a profile's arrivals, in order: the k-th arrival comes when the
// integral of the rate reaches k, so a step of R req/s sends every 1/R s and a ramp speeds up
// smoothly. Pure: the runner turns these offsets into timer deadlines.
class ArrivalSchedule {
 public:
  explicit ArrivalSchedule(Profile profile);
  // Seconds from the start to the next arrival, or nullopt when the profile is over.
  std::optional<double> Next();

 private:
  Profile profile_;
  std::size_t segment_ = 0;
  double segment_start_s_ = 0;
  double offset_s_ = 0;  // position within the current segment
};

}  // namespace minitwit::sim
