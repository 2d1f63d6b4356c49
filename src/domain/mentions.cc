#include "domain/mentions.h"

#include <algorithm>
#include <cctype>

namespace rapport {

namespace {

bool IsWordByte(char ch) {
  unsigned char u = static_cast<unsigned char>(ch);
  return std::isalnum(u) || u >= 0x80 || ch == '_';
}

char Lower(char ch) { return (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch; }

// True if `text` at `pos` starts with `word` (ASCII case-insensitive).
bool StartsWithFolded(const std::string& text, size_t pos, const std::string& word) {
  if (word.empty() || pos + word.size() > text.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (Lower(text[pos + i]) != Lower(word[i])) return false;
  }
  return true;
}

// A name or address ends at `end` if the text ends there or the next
// character is not part of a word; a "." ends it when no word follows.
bool EndsAt(const std::string& text, size_t end) {
  if (end >= text.size()) return true;
  char ch = text[end];
  if (ch == '.' || ch == '-') return end + 1 >= text.size() || !IsWordByte(text[end + 1]);
  return !IsWordByte(ch) && ch != '@';
}

std::string FirstWord(const std::string& name) {
  size_t sp = name.find(' ');
  return sp == std::string::npos ? name : name.substr(0, sp);
}

}  // namespace

std::vector<std::string> FindMentions(const std::string& text, const std::vector<MentionCandidate>& users) {
  std::vector<std::string> out;
  auto add = [&out](const std::string& id) {
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  };
  for (size_t at = text.find('@'); at != std::string::npos; at = text.find('@', at + 1)) {
    if (at > 0 && (IsWordByte(text[at - 1]) || text[at - 1] == '@')) continue;
    size_t pos = at + 1;
    // @[label](user:ID)
    if (pos < text.size() && text[pos] == '[') {
      size_t close = text.find("](user:", pos);
      size_t nl = text.find('\n', pos);
      if (close != std::string::npos && (nl == std::string::npos || close < nl) && close - pos <= 200) {
        size_t id_start = close + 7;
        size_t id_end = text.find(')', id_start);
        if (id_end != std::string::npos && id_end - id_start <= 64) {
          std::string id = text.substr(id_start, id_end - id_start);
          for (const auto& u : users) {
            if (u.id == id) add(u.id);
          }
          at = id_end;
          continue;
        }
      }
    }
    // @email, then @Full Name (longest first), then a unique first name.
    const MentionCandidate* best = nullptr;
    size_t best_len = 0;
    for (const auto& u : users) {
      for (const std::string* s : {&u.email, &u.name}) {
        if (s->size() > best_len && StartsWithFolded(text, pos, *s) && EndsAt(text, pos + s->size())) {
          best = &u;
          best_len = s->size();
        }
      }
    }
    if (!best) {
      const MentionCandidate* only = nullptr;
      int n = 0;
      for (const auto& u : users) {
        std::string first = FirstWord(u.name);
        if (first.size() >= 2 && StartsWithFolded(text, pos, first) && EndsAt(text, pos + first.size())) {
          if (!only || only->id != u.id) ++n;
          only = &u;
        }
      }
      if (n == 1) best = only;
    }
    if (best) add(best->id);
  }
  return out;
}

std::vector<std::string> NewMentions(const std::vector<std::string>& before, const std::vector<std::string>& now) {
  std::vector<std::string> out;
  for (const auto& id : now) {
    if (std::find(before.begin(), before.end(), id) == before.end()) out.push_back(id);
  }
  return out;
}

}  // namespace rapport
