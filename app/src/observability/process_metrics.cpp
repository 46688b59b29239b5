#include "observability/process_metrics.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace minitwit::observability {
namespace {

std::string ReadFile(const char* path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// btime of /proc/stat: the boot time in seconds since the epoch, 0 when unknown.
double BootTime() {
  std::istringstream in(ReadFile("/proc/stat"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("btime ", 0) == 0) return std::stod(line.substr(6));
  }
  return 0;
}

// "Max open files  1024  4096  files": the soft limit, or -1 (unlimited or unknown).
double MaxFds() {
  std::istringstream in(ReadFile("/proc/self/limits"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Max open files", 0) != 0) continue;
    std::istringstream fields(line.substr(14));
    std::string soft;
    fields >> soft;
    return soft == "unlimited" ? -1 : std::stod(soft);
  }
  return -1;
}

void Append(std::string& out, const char* name, const char* type, const char* help, double value) {
  std::ostringstream line;
  line.precision(15);
  line << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n" << name << " " << value
       << "\n";
  out += line.str();
}

}  // namespace

bool ParseProcStat(const std::string& stat, long ticks_per_second, long page_size, double boot_time,
                   ProcessSample& out) {
  // The command name (field 2) is in parentheses and may hold spaces; fields follow its ')'.
  const auto close = stat.rfind(')');
  if (close == std::string::npos || ticks_per_second <= 0) return false;
  std::istringstream in(stat.substr(close + 1));
  std::vector<std::string> fields;  // fields[0] is field 3 (state)
  for (std::string field; in >> field;) fields.push_back(field);
  if (fields.size() < 22) return false;
  try {
    const auto field = [&](int number) { return std::stod(fields[static_cast<std::size_t>(number - 3)]); };
    out.cpu_seconds = (field(14) + field(15)) / static_cast<double>(ticks_per_second);  // utime + stime
    out.start_time_seconds = boot_time + field(22) / static_cast<double>(ticks_per_second);
    out.virtual_bytes = field(23);
    out.resident_bytes = field(24) * static_cast<double>(page_size);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

std::string RenderProcessMetrics() {
  std::string out;
  ProcessSample sample;
  if (ParseProcStat(ReadFile("/proc/self/stat"), sysconf(_SC_CLK_TCK), sysconf(_SC_PAGESIZE), BootTime(), sample)) {
    Append(out, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
           sample.cpu_seconds);
    Append(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", sample.resident_bytes);
    Append(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", sample.virtual_bytes);
    Append(out, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
           sample.start_time_seconds);
  }
  std::error_code error;
  std::size_t fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end; it.increment(error)) {
    ++fds;
  }
  if (!error) Append(out, "process_open_fds", "gauge", "Number of open file descriptors.", static_cast<double>(fds));
  if (const double max = MaxFds(); max >= 0) {
    Append(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.", max);
  }
  return out;
}

}  // namespace minitwit::observability
