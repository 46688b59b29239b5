#include "sim/generator.hpp"

#include <algorithm>
#include <array>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace minitwit::sim {
namespace {

// The course scenario's totals: 200 register, 11,306 tweet, 9,751 follow, 4,665 unfollow
// (1,179 of those unfollow a pair that is not followed).
constexpr double kRegisterShare = 200.0 / 25922.0;
constexpr double kTweetWeight = 11306.0;
constexpr double kFollowWeight = 9751.0;
constexpr double kUnfollowWeight = 4665.0;
constexpr double kStrayUnfollowShare = 1179.0 / 4665.0;
constexpr std::int64_t kFirstTimestampMs = 1582246860738;
constexpr std::int64_t kMaxDelayMs = 466000;  // mean delay of the course: ~233 s

constexpr std::array<std::string_view, 24> kFirstNames = {
    "Roger", "Geoffrey", "Wendell", "Nathan", "Johnnie", "Jacqualine", "Ayako", "Chad",
    "Leora", "Mellie", "Octavio", "Quinn", "Ramona", "Sébastien", "Tove", "Ulrike",
    "Vance", "Wilma", "Xiomara", "Yusuf", "Zelda", "Bjørn", "Dolores", "Ezra"};
constexpr std::array<std::string_view, 24> kLastNames = {
    "Histand", "Stieff", "Ballan", "Sirmon", "Glasco", "Bocanegra", "Grosh", "Redepenning",
    "Magana", "Fasano", "Kowalski", "Lindqvist", "Mørk", "Nakamura", "O'Brien", "Pérez",
    "Quist", "Rasmussen", "Steele", "Tanaka", "Underhill", "Van Der Berg", "Weiß", "Young"};
constexpr std::array<std::string_view, 6> kDomains = {
    "gmail.com", "hotmail.com", "dtu.dk", "itu.dk", "yahoo.com", "example.org"};
constexpr std::array<std::string_view, 40> kWords = {
    "the", "of", "and", "I", "saw", "my", "white", "face", "hour", "yesterday",
    "whale", "ship", "sea", "Ahab", "captain", "said", "upon", "old", "man", "night",
    "café", "naïve", "smørrebrød", "Ærø", "straße", "日本語", "🚀", "“quoted”", "—", "¿qué?",
    "<b>bold</b>", "&amp;", "\"double\"", "back\\slash", "it's", "100%", "a+b", "x/y", "é", "ñ"};

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}

  std::vector<Action> Run(std::size_t count) {
    std::size_t users = static_cast<std::size_t>(static_cast<double>(count) * kRegisterShare + 0.5);
    users = std::clamp<std::size_t>(users, std::min<std::size_t>(2, count), count);
    for (std::size_t i = 0; i < users; ++i) AddRegister();
    while (actions_.size() < count) AddActivity();
    return std::move(actions_);
  }

 private:
  std::size_t Uniform(std::size_t bound) {  // [0, bound)
    return std::uniform_int_distribution<std::size_t>(0, bound - 1)(rng_);
  }
  double Unit() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }

  Action& Push(ActionKind kind, std::string user) {
    Action action;
    action.id = static_cast<std::int64_t>(actions_.size());
    action.delay_ms = actions_.empty() ? 0 : std::uniform_int_distribution<std::int64_t>(0, kMaxDelayMs)(rng_);
    timestamp_ms_ += action.delay_ms;
    action.timestamp_ms = timestamp_ms_;
    action.kind = kind;
    action.user = std::move(user);
    actions_.push_back(std::move(action));
    return actions_.back();
  }

  void AddRegister() {
    const std::string_view first = kFirstNames[Uniform(kFirstNames.size())];
    const std::string_view last = kLastNames[Uniform(kLastNames.size())];
    std::string name = std::string(first) + " " + std::string(last);
    for (int suffix = 2; taken_.count(name) != 0; ++suffix) {
      name = std::string(first) + " " + std::string(last) + " " + std::to_string(suffix);
    }
    taken_.insert(name);
    names_.push_back(name);
    static constexpr std::string_view kSeparators = ".+-";
    std::string email;
    for (char c : name) email += c == ' ' ? kSeparators[Uniform(kSeparators.size())] : c;
    email += "@" + std::string(kDomains[Uniform(kDomains.size())]);
    std::string password;
    for (std::size_t i = 0, n = 6 + Uniform(6); i < n; ++i) {
      password += static_cast<char>('!' + Uniform(94));  // printable ASCII, quotes included
    }
    Action& action = Push(ActionKind::kRegister, std::move(name));
    action.argument = std::move(email);
    action.password = std::move(password);
  }

  void AddActivity() {
    if (names_.size() < 2) return AddTweet();
    const double total = kTweetWeight + kFollowWeight + kUnfollowWeight;
    const double pick = Unit() * total;
    if (pick < kTweetWeight) return AddTweet();
    if (pick < kTweetWeight + kFollowWeight) return AddFollow();
    AddUnfollow();
  }

  void AddTweet() {
    std::string text;
    for (std::size_t i = 0, n = 3 + Uniform(18); i < n; ++i) {
      if (!text.empty()) text += ' ';
      text += kWords[Uniform(kWords.size())];
    }
    Action& action = Push(ActionKind::kTweet, names_[Uniform(names_.size())]);
    action.argument = std::move(text);
  }

  static std::uint64_t Key(std::size_t who, std::size_t whom) {
    return (static_cast<std::uint64_t>(who) << 32) | whom;
  }

  std::pair<std::size_t, std::size_t> DistinctPair() {
    const std::size_t who = Uniform(names_.size());
    std::size_t whom = Uniform(names_.size() - 1);
    if (whom >= who) ++whom;
    return {who, whom};
  }

  void AddFollow() {
    const auto [who, whom] = DistinctPair();
    if (followed_.emplace(Key(who, whom), pairs_.size()).second) pairs_.emplace_back(who, whom);
    Action& action = Push(ActionKind::kFollow, names_[who]);
    action.argument = names_[whom];
  }

  void AddUnfollow() {
    std::size_t who = 0;
    std::size_t whom = 0;
    if (!pairs_.empty() && Unit() >= kStrayUnfollowShare) {
      const std::size_t index = Uniform(pairs_.size());
      std::tie(who, whom) = pairs_[index];
      // Swap-remove keeps the followed set and its index in step.
      followed_.erase(Key(who, whom));
      if (index + 1 != pairs_.size()) {
        pairs_[index] = pairs_.back();
        followed_[Key(pairs_[index].first, pairs_[index].second)] = index;
      }
      pairs_.pop_back();
    } else {
      bool found = false;
      for (int attempt = 0; attempt < 16 && !found; ++attempt) {
        std::tie(who, whom) = DistinctPair();
        found = followed_.count(Key(who, whom)) == 0;
      }
      if (!found) return AddFollow();  // every tried pair is followed: stay in shape
    }
    Action& action = Push(ActionKind::kUnfollow, names_[who]);
    action.argument = names_[whom];
  }

  std::mt19937_64 rng_;
  std::vector<Action> actions_;
  std::vector<std::string> names_;
  std::unordered_set<std::string> taken_;
  std::unordered_map<std::uint64_t, std::size_t> followed_;  // pair key -> index in pairs_
  std::vector<std::pair<std::size_t, std::size_t>> pairs_;
  std::int64_t timestamp_ms_ = kFirstTimestampMs;
};

}  // namespace

std::vector<Action> GenerateScenario(std::size_t count, std::uint64_t seed) {
  if (count == 0) return {};
  return Generator(seed).Run(count);
}

}  // namespace minitwit::sim
