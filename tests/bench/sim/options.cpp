#include "sim/options.hpp"

#include <charconv>
#include <string_view>

namespace minitwit::sim {

const char* const kUsage = R"(usage: minitwit-sim --url http://host:port (--scenario FILE | --generate N) [options]
Replays the ITU-MiniTwit course simulator against a MiniTwit server.
  --url URL            server base URL (http only)
  --scenario FILE      course scenario (tab-separated, see MINITWIT.md)
  --generate N         generated scenario of the same shape, N actions (--seed S)
  --limit N            send only the first N actions (0: skip the scenario)
  --only KINDS         keep only these commands (comma list of tweet,follow,unfollow;
                       registers are always kept), e.g. a tweet-only workload
  --users N            concurrent virtual users (1: file order, like the course)
  --register-users N   with --users > 1, registers run first over N lanes (1: sequential)
  --timeout-ms MS      connect budget and write+read budget per request (300)
  --honor-delays       sleep each action's delay (default: no delays)
  --speedup F          divide the delays by F (implies --honor-delays)
  --keep-alive         reuse connections (default: Connection: close, like the course)
  --read-mix N         after the scenario, N GETs alternating /msgs?no=100 and /public
  --max-errors N       exit 1 when more errors than N (0)
  --json               print the summary as JSON
Open loop (arrivals on a schedule, whatever the server's speed; registers go first, closed):
  --rate R --duration D  R requests per second for D (30s, 2m, 500ms)
  --profile P          steps and ramps: [NAME:]DURATION@RATE or [NAME:]DURATION@FROM-TO,
                       comma-separated or one per line in file P ('#' comments), e.g.
                       'warm:30s@20,step:120s@150,drop:60s@0'
  --max-in-flight N    an arrival finding N requests outstanding is dropped (256)
                       latency counts from the intended send time; the scenario cycles
Output:
  --timeseries FILE    one row per second (sent, ok, errors by kind, p50, p99, max) to
                       FILE.csv or FILE.json
  --quiet              no live progress line (shown only when stderr is a terminal)
  --request-log FILE   one line per finished request: sent (Unix ms), latency ms, kind,
                       action id, outcome, status (flushed as written)
Exit: 0 ok, 1 too many errors, 2 usage or input error, 3 /latest mismatch or unreadable,
128+N stopped by signal N (130 for Ctrl-C) after printing the partial summary.
)";

namespace {

template <typename T>
bool ParseNumber(std::string_view text, T* out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end && !text.empty();
}

}  // namespace

bool ParseUrl(const std::string& url, std::string* host, std::string* port, std::string* base_path) {
  static constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) return false;
  std::string_view rest = std::string_view(url).substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  const std::size_t colon = authority.rfind(':');
  std::string_view host_part = authority;
  std::string_view port_part = "80";
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    host_part = authority.substr(0, colon);
    port_part = authority.substr(colon + 1);
  }
  if (host_part.size() >= 2 && host_part.front() == '[' && host_part.back() == ']') {
    host_part = host_part.substr(1, host_part.size() - 2);
  }
  unsigned port_number = 0;
  if (host_part.empty() || !ParseNumber(port_part, &port_number) || port_number == 0 || port_number > 65535) {
    return false;
  }
  *host = std::string(host_part);
  *port = std::string(port_part);
  *base_path = std::string(path);
  return true;
}

OptionsResult ParseOptions(const std::vector<std::string>& args) {
  OptionsResult result;
  Options& o = result.options;
  auto fail = [&result](std::string message) {
    result.error = std::move(message);
    return result;
  };
  std::optional<double> rate;
  std::optional<double> duration;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= args.size()) return false;
      *out = args[++i];
      return true;
    };
    std::string text;
    auto number = [&](auto* out) { return value(&text) && ParseNumber(text, out); };
    if (arg == "--help" || arg == "-h") {
      o.help = true;
    } else if (arg == "--url") {
      if (!value(&o.url)) return fail("--url needs a value");
    } else if (arg == "--scenario") {
      if (!value(&o.scenario_path)) return fail("--scenario needs a file");
    } else if (arg == "--generate") {
      if (!number(&o.generate)) return fail("--generate needs a count");
    } else if (arg == "--seed") {
      if (!number(&o.seed)) return fail("--seed needs an integer");
    } else if (arg == "--users") {
      if (!number(&o.users) || o.users == 0) return fail("--users needs a positive count");
    } else if (arg == "--register-users") {
      if (!number(&o.register_users) || o.register_users == 0) return fail("--register-users needs a positive count");
    } else if (arg == "--timeout-ms") {
      if (!number(&o.timeout_ms) || o.timeout_ms <= 0) return fail("--timeout-ms needs a positive integer");
    } else if (arg == "--honor-delays") {
      o.honor_delays = true;
    } else if (arg == "--speedup") {
      if (!value(&text)) return fail("--speedup needs a factor");
      try {
        o.speedup = std::stod(text);
      } catch (const std::exception&) {
        return fail("--speedup needs a number");
      }
      if (!(o.speedup > 0)) return fail("--speedup must be positive");
      o.honor_delays = true;
    } else if (arg == "--keep-alive") {
      o.keep_alive = true;
    } else if (arg == "--read-mix") {
      if (!number(&o.read_mix)) return fail("--read-mix needs a count");
    } else if (arg == "--limit") {
      std::size_t limit = 0;
      if (!number(&limit)) return fail("--limit needs a count");
      o.limit = limit;
    } else if (arg == "--only") {
      if (!value(&text)) return fail("--only needs a list");
      std::string_view rest = text;
      while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        const auto kind = ParseKind(rest.substr(0, comma));
        if (!kind) return fail("--only: unknown command '" + std::string(rest.substr(0, comma)) + "'");
        o.only.push_back(*kind);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      }
    } else if (arg == "--max-errors") {
      if (!number(&o.max_errors)) return fail("--max-errors needs a count");
    } else if (arg == "--request-log") {
      if (!value(&o.request_log_path)) return fail("--request-log needs a file");
    } else if (arg == "--json") {
      o.json = true;
    } else if (arg == "--rate") {
      if (!value(&text)) return fail("--rate needs requests per second");
      ProfileResult parsed = ParseProfile("rate:1s@" + text);
      if (!parsed.error.empty()) return fail("--rate needs a non-negative number, not '" + text + "'");
      rate = parsed.profile.segments[0].from_rps;
    } else if (arg == "--duration") {
      if (!value(&text)) return fail("--duration needs a time");
      ProfileResult parsed = ParseProfile("rate:" + text + "@0");
      if (!parsed.error.empty()) return fail("--duration needs a positive time (30s, 2m, 500ms), not '" + text + "'");
      duration = parsed.profile.segments[0].duration_s;
    } else if (arg == "--profile") {
      if (!value(&text)) return fail("--profile needs segments or a file");
      ProfileResult parsed = LoadProfile(text);
      if (!parsed.error.empty()) return fail(parsed.error);
      o.profile = std::move(parsed.profile);
    } else if (arg == "--max-in-flight") {
      if (!number(&o.max_in_flight) || o.max_in_flight == 0) return fail("--max-in-flight needs a positive count");
    } else if (arg == "--quiet") {
      o.quiet = true;
    } else if (arg == "--timeseries") {
      if (!value(&o.timeseries_path)) return fail("--timeseries needs a file");
      if (!o.timeseries_path.ends_with(".csv") && !o.timeseries_path.ends_with(".json")) {
        return fail("--timeseries: the file must end in .csv or .json");
      }
    } else {
      return fail("unknown argument " + arg);
    }
  }
  if (o.help) return result;
  if (rate || duration) {
    if (o.profile) return fail("--rate/--duration and --profile exclude each other");
    if (!rate || !duration) return fail("--rate and --duration go together");
    o.profile = Profile{{Segment{"rate", *duration, *rate, *rate}}};
  }
  if (o.profile && (o.honor_delays || o.read_mix > 0)) {
    return fail("open loop (--rate, --profile) sets its own pace: no --honor-delays, --speedup or --read-mix");
  }
  if (o.url.empty()) return fail("--url is required");
  if (!ParseUrl(o.url, &o.host, &o.port, &o.base_path)) return fail("--url must look like http://host:port");
  if (!o.scenario_path.empty() && o.generate > 0) return fail("--scenario and --generate exclude each other");
  const bool skips_scenario = o.limit && *o.limit == 0;
  if (o.scenario_path.empty() && o.generate == 0 && !skips_scenario) {
    return fail("give --scenario FILE or --generate N (or --limit 0 with --read-mix)");
  }
  return result;
}

}  // namespace minitwit::sim
