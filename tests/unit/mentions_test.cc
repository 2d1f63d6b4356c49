// @mention parsing (issue 5, team selling; src/domain/mentions.h): tokens,
// e-mail addresses, full and unique first names, and what is not a mention.
#include <gtest/gtest.h>

#include "domain/mentions.h"

namespace rapport {
namespace {

const std::vector<MentionCandidate> kUsers = {
    {"u1", "Ada Lovelace", "ada@example.com"},
    {"u2", "Ada King", "king@example.com"},
    {"u3", "Grace Hopper", "grace@example.com"},
    {"u4", "Alan", "alan.t@example.org"},
};

using V = std::vector<std::string>;

TEST(Mentions, TokenNamesTheUserById) {
  EXPECT_EQ(FindMentions("ping @[Whoever](user:u3) please", kUsers), V{"u3"});
  // The label does not matter; an unknown id mentions nobody.
  EXPECT_EQ(FindMentions("@[Ada Lovelace](user:u9)", kUsers), V{});
  EXPECT_EQ(FindMentions("@[A](user:u1) and @[B](user:u2)", kUsers), (V{"u1", "u2"}));
}

TEST(Mentions, EmailAndFullNameAnyCaseLongestWins) {
  EXPECT_EQ(FindMentions("cc @GRACE@example.com.", kUsers), V{"u3"});
  EXPECT_EQ(FindMentions("@ada lovelace, can you call them?", kUsers), V{"u1"});
  EXPECT_EQ(FindMentions("thanks @Ada King!", kUsers), V{"u2"});
  EXPECT_EQ(FindMentions("@Alan", kUsers), V{"u4"});
}

TEST(Mentions, FirstNameOnlyWhenUnique) {
  EXPECT_EQ(FindMentions("@Grace see above", kUsers), V{"u3"});
  EXPECT_EQ(FindMentions("@Ada see above", kUsers), V{}) << "two users are called Ada";
}

TEST(Mentions, NotMentions) {
  EXPECT_EQ(FindMentions("write to bob@example.com or grace@example.com", kUsers), V{});
  EXPECT_EQ(FindMentions("@Gracefully done", kUsers), V{});
  EXPECT_EQ(FindMentions("@@Grace", kUsers), V{});
  EXPECT_EQ(FindMentions("no at sign", kUsers), V{});
  EXPECT_EQ(FindMentions("@", kUsers), V{});
  EXPECT_EQ(FindMentions("@[broken](user:u1", kUsers), V{});
}

TEST(Mentions, EachUserOnceInOrderAndNewOnesOnEdit) {
  EXPECT_EQ(FindMentions("@Grace Hopper @[x](user:u1) @grace@example.com", kUsers), (V{"u3", "u1"}));
  EXPECT_EQ(NewMentions({"u3"}, {"u3", "u1"}), V{"u1"});
  EXPECT_EQ(NewMentions({"u3", "u1"}, {"u1"}), V{});
}

}  // namespace
}  // namespace rapport
