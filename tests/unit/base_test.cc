// base/: ids, secrets and hashes, ISO-8601 time, Status and Result.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/ids.h"
#include "base/status.h"
#include "base/time.h"

namespace rapport {
namespace {

using Code = Status::Code;

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

class BaseTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto()); }
};

// Milliseconds encoded in the first 10 characters of a ULID.
int64_t IdMillis(const std::string& id) {
  int64_t v = 0;
  for (int i = 0; i < 10; ++i) v = v * 32 + static_cast<int64_t>(std::string(kCrockford).find(id[i]));
  return v;
}

int64_t WallMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// -------------------------------------------------------------------- NewId

TEST_F(BaseTest, NewIdIs26CrockfordCharactersWithTheCurrentTime) {
  int64_t before = WallMillis();
  std::string id = NewId();
  int64_t after = WallMillis();
  ASSERT_EQ(id.size(), 26u);
  for (char c : id) EXPECT_NE(std::string(kCrockford).find(c), std::string::npos) << "'" << c << "' in " << id;
  // 128 bits in 130: the first character carries 3 bits only.
  EXPECT_LE(id[0], '7') << id;
  int64_t ms = IdMillis(id);
  EXPECT_GE(ms, before - 1) << id;
  EXPECT_LE(ms, after + 1) << id;
}

TEST_F(BaseTest, NewIdIsStrictlyIncreasingInOneThread) {
  std::string prev = NewId();
  for (int i = 0; i < 100000; ++i) {
    std::string id = NewId();
    ASSERT_EQ(id.size(), 26u);
    ASSERT_LT(prev, id) << "call " << i;
    prev = std::move(id);
  }
}

TEST_F(BaseTest, NewIdIsUniqueAcrossThreads) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25000;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&ids, t] {
      ids[t].reserve(kPerThread);
      for (int i = 0; i < kPerThread; ++i) ids[t].push_back(NewId());
    });
  }
  for (auto& th : threads) th.join();
  std::vector<std::string> all;
  for (int t = 0; t < kThreads; ++t) {
    // Each thread sees its own ids in increasing order too.
    EXPECT_TRUE(std::is_sorted(ids[t].begin(), ids[t].end())) << "thread " << t;
    EXPECT_EQ(std::adjacent_find(ids[t].begin(), ids[t].end()), ids[t].end()) << "thread " << t;
    all.insert(all.end(), ids[t].begin(), ids[t].end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "duplicate id across threads";
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
}

// ------------------------------------------------------------------- base64

TEST_F(BaseTest, Base64UrlEncodesKnownVectorsWithoutPadding) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode("fooba"), "Zm9vYmE");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");  // '+' and '/' in the standard alphabet
}

TEST_F(BaseTest, Base64UrlRoundTripsEveryByteAndLength) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  for (size_t len = 0; len <= all.size(); len += (len < 70 ? 1 : 37)) {
    std::string in = all.substr(all.size() - len);
    std::string enc = Base64UrlEncode(in);
    EXPECT_EQ(enc.size(), (len * 4 + 2) / 3) << len;
    for (char c : enc) {
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << enc;
    }
    std::string out = "garbage";
    ASSERT_TRUE(Base64UrlDecode(enc, &out)) << enc;
    EXPECT_EQ(out, in) << len;
  }
}

TEST_F(BaseTest, Base64UrlDecodeRejectsBadInput) {
  std::string out;
  for (const char* bad : {"Zg==", "Zm8=", "Z", "Zm9vY", "a+b/", "Zm9v!", "Zm 9v", "Zm9v\n", "====", "Zm9v=", "Zh", "Zm9=", "Zm9v\x7f"}) {
    EXPECT_FALSE(Base64UrlDecode(bad, &out)) << bad;
  }
}

TEST_F(BaseTest, Base64UrlDecodeRejectsNonAsciiBytes) {
  std::string out;
  EXPECT_FALSE(Base64UrlDecode("\xc3\xa9\xc3\xa9", &out));
  EXPECT_FALSE(Base64UrlDecode("Zm9v\x80\x80\x80\x80", &out));
  EXPECT_FALSE(Base64UrlDecode("\xff\xff\xff\xff", &out));
}

TEST_F(BaseTest, RandomTokenIsUrlSafeAndFresh) {
  std::string a = RandomToken(32), b = RandomToken(32);
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  std::string raw;
  ASSERT_TRUE(Base64UrlDecode(a, &raw));
  EXPECT_EQ(raw.size(), 32u);
  EXPECT_EQ(RandomToken(12).size(), 16u);
}

// ------------------------------------------------------------------- hashes

TEST_F(BaseTest, Sha256HexMatchesKnownVectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string("\0", 1)), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

TEST_F(BaseTest, ConstantTimeEqualsComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret2"));
  EXPECT_FALSE(ConstantTimeEquals("secret", ""));
}

TEST_F(BaseTest, PasswordHashVerifiesOnlyTheRightPassword) {
  const std::string hash = HashPassword("correct horse battery staple");
  ASSERT_FALSE(hash.empty());
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(hash.find("correct horse"), std::string::npos);
  EXPECT_TRUE(VerifyPassword(hash, "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(hash, "correct horse battery stapl"));
  EXPECT_FALSE(VerifyPassword(hash, "Correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(hash, ""));
  // Malformed stored hashes never verify (and do not crash).
  EXPECT_FALSE(VerifyPassword("", "x"));
  EXPECT_FALSE(VerifyPassword("not a hash", "not a hash"));
  EXPECT_FALSE(VerifyPassword(hash.substr(0, hash.size() / 2), "correct horse battery staple"));
}

TEST_F(BaseTest, PasswordHashesAreSalted) {
  EXPECT_NE(HashPassword("same password"), HashPassword("same password"));
}

// --------------------------------------------------------------------- time

TEST(Time, FormatIsoMillisFormatsUtcWithMilliseconds) {
  EXPECT_EQ(FormatIsoMillis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIsoMillis(1), "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(FormatIsoMillis(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatIsoMillis(1700000000123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatIsoMillis(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatIsoMillis(253402300799999), "9999-12-31T23:59:59.999Z");
}

TEST(Time, ParseDateTimeAndFormatRoundTrip) {
  for (int64_t ms : {int64_t{0}, int64_t{1}, int64_t{999}, int64_t{-1}, int64_t{-86400000}, int64_t{951782400000},
                     int64_t{1700000000123}, int64_t{1709251199999}, int64_t{4102444800000},
                     int64_t{253402300799999}, int64_t{-62135596800000}}) {
    std::string s = FormatIsoMillis(ms);
    int64_t back = 12345;
    ASSERT_TRUE(ParseDateTime(s, &back)) << s;
    EXPECT_EQ(back, ms) << s;
  }
  int64_t ms = 0;
  ASSERT_TRUE(ParseDateTime("2026-03-29T01:30:00+02:00", &ms));
  EXPECT_EQ(FormatIsoMillis(ms), "2026-03-28T23:30:00.000Z");
  ASSERT_TRUE(ParseDateTime("2026-03-29T01:30:00.5-09:30", &ms));
  EXPECT_EQ(FormatIsoMillis(ms), "2026-03-29T11:00:00.500Z");
  ASSERT_TRUE(ParseDateTime("2024-12-31T23:59:59.999+23:59", &ms));
  EXPECT_EQ(FormatIsoMillis(ms), "2024-12-31T00:00:59.999Z");
}

TEST(Time, ParseDateTimeRejectsMalformedValues) {
  for (const char* bad : {"", "2026-01-01", "2026-01-01T00:00:00", "2026-01-01T24:00:00Z", "2026-01-01T23:60:00Z",
                          "2026-01-01T00:00:61Z", "2026-02-29T00:00:00Z", "2026-01-32T00:00:00Z",
                          "2026-01-01T00:00:00+24:00", "2026-01-01T00:00:00+00:60", "2026-01-01T00:00:00+0100",
                          "2026-01-01T00:00:00+01", "2026-01-01T00:00:00+1:00", "2026-01-01T00:00:00 +01:00",
                          "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00.0000000001Z", "2026-01-01T00:00:00Zx",
                          "2026-01-01T00:00:00+01:00x", "2026-01-01_00:00:00Z", "2026-01-01T00-00-00Z",
                          "2026-01-01T0:00:00Z", "2026-01-01T00:00:0aZ", "2026-01-01T00:00:00GMT"}) {
    int64_t ms = 0;
    EXPECT_FALSE(ParseDateTime(bad, &ms)) << bad;
  }
}

TEST(Time, ParseDateChecksTheCalendar) {
  int y = 0, m = 0, d = 0;
  ASSERT_TRUE(ParseDate("2026-01-31", &y, &m, &d));
  EXPECT_EQ(y, 2026);
  EXPECT_EQ(m, 1);
  EXPECT_EQ(d, 31);
  for (const char* ok : {"2024-02-29", "2000-02-29", "1600-02-29", "2026-02-28", "2026-04-30", "2026-12-31",
                         "0001-01-01", "9999-12-31"}) {
    EXPECT_TRUE(ParseDate(ok, &y, &m, &d)) << ok;
  }
  for (const char* bad : {"2026-02-29", "2100-02-29", "1900-02-29", "2026-04-31", "2026-06-31", "2026-09-31",
                          "2026-11-31", "2026-01-32", "2026-00-01", "2026-13-01", "2026-01-00", "0000-01-01",
                          "2026-1-01", "2026/01/01", " 2026-01-01", "2026-01-01 ", "+2026-01-01", "2026-01-0x",
                          "-026-01-01", ""}) {
    EXPECT_FALSE(ParseDate(bad, &y, &m, &d)) << bad;
  }
}

class FixedClock : public Clock {
 public:
  explicit FixedClock(int64_t ms) : ms_(ms) {}
  int64_t NowMillis() const override { return ms_; }

 private:
  int64_t ms_;
};

TEST(Time, ClockCanBeReplacedAndRestored) {
  FixedClock fixed(1700000000123);
  Clock::Set(&fixed);
  EXPECT_EQ(Clock::Get().NowMillis(), 1700000000123);
  EXPECT_EQ(NowIso(), "2023-11-14T22:13:20.123Z");
  Clock::Set(nullptr);
  int64_t now = WallMillis();
  EXPECT_NEAR(static_cast<double>(Clock::Get().NowMillis()), static_cast<double>(now), 5000.0);
}

// ----------------------------------------------------------- Status, Result

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), Code::kOk);
  EXPECT_STREQ(s.code_name(), "ok");
  EXPECT_EQ(s.ToString(), "ok");
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(StatusTest, FactoriesSetCodeMessageAndField) {
  struct Case {
    Status s;
    Code code;
    const char* name;
  };
  const Case cases[] = {
      {Status::InvalidArgument("m"), Code::kInvalidArgument, "invalid_argument"},
      {Status::Unauthenticated("m"), Code::kUnauthenticated, "unauthenticated"},
      {Status::PermissionDenied("m"), Code::kPermissionDenied, "permission_denied"},
      {Status::NotFound("m"), Code::kNotFound, "not_found"},
      {Status::Conflict("m"), Code::kConflict, "conflict"},
      {Status::PreconditionFailed("m"), Code::kPreconditionFailed, "precondition_failed"},
      {Status::TooLarge("m"), Code::kTooLarge, "too_large"},
      {Status::Unprocessable("m"), Code::kUnprocessable, "unprocessable"},
      {Status::RateLimited("m"), Code::kRateLimited, "rate_limited"},
      {Status::Unavailable("m"), Code::kUnavailable, "unavailable"},
      {Status::Internal("m"), Code::kInternal, "internal"},
  };
  for (const auto& c : cases) {
    EXPECT_FALSE(c.s.ok()) << c.name;
    EXPECT_EQ(c.s.code(), c.code) << c.name;
    EXPECT_STREQ(c.s.code_name(), c.name);
    EXPECT_EQ(c.s.message(), "m");
    EXPECT_EQ(c.s.field(), "");
    EXPECT_EQ(c.s.ToString(), std::string(c.name) + ": m");
  }
  Status f = Status::InvalidArgument("email: is not valid", "email");
  EXPECT_EQ(f.field(), "email");
  EXPECT_EQ(f.ToString(), "invalid_argument: email: is not valid (field email)");
  EXPECT_EQ(Status::Conflict("taken", "name").field(), "name");
  EXPECT_EQ(Status::Unprocessable("rule", "stage_id").field(), "stage_id");
  // Copies keep everything.
  Status copy = f;
  EXPECT_EQ(copy.code(), Code::kInvalidArgument);
  EXPECT_EQ(copy.message(), f.message());
  EXPECT_EQ(copy.field(), "email");
}

TEST(ResultTest, HoldsAValueOrAStatus) {
  Result<int> v = 42;
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v.status().ok());
  EXPECT_EQ(v.value(), 42);
  EXPECT_EQ(*v, 42);
  *v = 7;
  EXPECT_EQ(v.value(), 7);

  Result<int> e = Status::NotFound("nope");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), Code::kNotFound);
  EXPECT_EQ(e.status().message(), "nope");

  Result<std::string> s = std::string("text");
  EXPECT_EQ(s->size(), 4u);
  std::string moved = std::move(s).value();
  EXPECT_EQ(moved, "text");

  Result<std::unique_ptr<int>> p = std::make_unique<int>(5);
  ASSERT_TRUE(p.ok());
  std::unique_ptr<int> owned = std::move(p).value();
  EXPECT_EQ(*owned, 5);
}

// Helpers for the macros.
int g_evaluations = 0;
Result<int> Half(int x) {
  ++g_evaluations;
  if (x % 2 != 0) return Status::InvalidArgument(std::to_string(x) + " is odd", "x");
  return x / 2;
}
Status Check(bool ok) { return ok ? Status::Ok() : Status::Conflict("check failed"); }

Result<int> Quarter(int x) {
  RP_ASSIGN_OR_RETURN(int half, Half(x));
  RP_ASSIGN_OR_RETURN(int quarter, Half(half));  // a second use in the same scope
  return quarter;
}

Status QuarterInto(int x, int* out) {
  RP_ASSIGN_OR_RETURN(*out, Quarter(x));
  return Status::Ok();
}

Status Chain(bool first, bool second, int* reached) {
  RP_RETURN_IF_ERROR(Check(first));
  *reached = 1;
  RP_RETURN_IF_ERROR(Check(second));
  *reached = 2;
  return Status::Ok();
}

TEST(ResultTest, AssignOrReturnPropagatesErrorsAndMovesValues) {
  g_evaluations = 0;
  auto q = Quarter(12);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(*q, 3);
  EXPECT_EQ(g_evaluations, 2) << "each expression is evaluated exactly once";

  g_evaluations = 0;
  auto odd = Quarter(6);  // 6 -> 3 -> odd
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(odd.status().message(), "3 is odd");
  EXPECT_EQ(odd.status().field(), "x");
  EXPECT_EQ(g_evaluations, 2);

  g_evaluations = 0;
  EXPECT_EQ(Quarter(5).status().message(), "5 is odd");
  EXPECT_EQ(g_evaluations, 1) << "the second step must not run after the first failed";

  int out = -1;
  EXPECT_TRUE(QuarterInto(20, &out).ok());
  EXPECT_EQ(out, 5);
  out = -1;
  EXPECT_EQ(QuarterInto(2, &out).code(), Code::kInvalidArgument);
  EXPECT_EQ(out, -1) << "the target is untouched on error";
}

TEST(ResultTest, ReturnIfErrorStopsAtTheFirstError) {
  int reached = 0;
  EXPECT_TRUE(Chain(true, true, &reached).ok());
  EXPECT_EQ(reached, 2);
  reached = 0;
  EXPECT_EQ(Chain(true, false, &reached).code(), Code::kConflict);
  EXPECT_EQ(reached, 1);
  reached = 0;
  EXPECT_EQ(Chain(false, true, &reached).code(), Code::kConflict);
  EXPECT_EQ(reached, 0);
}

}  // namespace
}  // namespace rapport
