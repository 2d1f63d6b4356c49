// @mentions in note text (issue 5, team selling; docs/decisions/016).
//
// Three spellings name a user of the organisation:
//   @[Ada Lovelace](user:01HX...)  the token the web app inserts: the id
//                                  decides, the label is only for people
//   @ada@example.com               a user's e-mail address (any case)
//   @Ada Lovelace / @Ada           a user's full name (any ASCII case; the
//                                  longest name wins), or a first name that
//                                  only one user has
// An "@" counts only at the start of the text or after a character that is
// not a letter, digit or "@" (so "bob@example.com" mentions nobody), and a
// name or address must end at a non-word character. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace rapport {

struct MentionCandidate {
  std::string id;
  std::string name;
  std::string email;
};

// The ids of the users in `users` that `text` mentions, each once, in the
// order of their first mention.
std::vector<std::string> FindMentions(const std::string& text, const std::vector<MentionCandidate>& users);

// The ids in `now` that are not in `before` (mentions added by an edit).
std::vector<std::string> NewMentions(const std::vector<std::string>& before, const std::vector<std::string>& now);

}  // namespace rapport
