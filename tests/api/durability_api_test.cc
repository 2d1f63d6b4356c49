// Concurrency and durability: concurrent edits of one record are detected,
// and a server killed mid-write loses no acknowledged (committed) data.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;

class DurabilityApi : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<Server>();
    api_ = std::make_unique<Api>(server_->port(), server_->admin_token());
  }
  std::unique_ptr<Server> server_;
  std::unique_ptr<Api> api_;
};

TEST_F(DurabilityApi, ConcurrentEditsOfOneVersionExactlyOneWins) {
  auto c = api_->Post("/api/v1/opportunities", {{"name", "Contested"}, {"amount", 100}});
  ASSERT_EQ(c.status, 201);
  std::string id = c.json()["id"];
  std::atomic<int> ok{0}, stale{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      Api mine(server_->port(), server_->admin_token());
      auto r = mine.Patch("/api/v1/opportunities/" + id, {{"amount", 1000 + i}}, "\"1\"");
      if (r.status == 200) ++ok;
      else if (r.status == 412) ++stale;
      else ++other;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(stale.load(), 7);
  EXPECT_EQ(other.load(), 0);
  json now = api_->Get("/api/v1/opportunities/" + id).json();
  EXPECT_EQ(now["version"], 2);
  auto hist = api_->Get("/api/v1/opportunities/" + id + "/history").json()["data"];
  EXPECT_EQ(hist.size(), 2u) << "one create and exactly one update are audited";
}

TEST_F(DurabilityApi, KillDuringWritesLosesNothingAcknowledged) {
  std::mutex mu;
  std::set<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      Api mine(server_->port(), server_->admin_token());
      for (int i = 0; !stop; ++i) {
        try {
          auto r = mine.Post("/api/v1/contacts", {{"last_name", "W" + std::to_string(w) + "-" + std::to_string(i)}});
          if (r.status == 201) {
            std::lock_guard<std::mutex> lock(mu);
            acknowledged.insert(r.json()["id"]);
          }
        } catch (const std::exception&) {
          return;  // the server died under us
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  server_->CrashAndRestart();
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_GT(acknowledged.size(), 20u);
  Api after(server_->port(), server_->admin_token());
  std::set<std::string> stored;
  std::string cursor;
  do {
    auto r = after.Get("/api/v1/contacts?limit=1000" + (cursor.empty() ? "" : "&cursor=" + UrlEncode(cursor)));
    ASSERT_EQ(r.status, 200) << r.body;
    json j = r.json();
    for (auto& row : j["data"]) stored.insert(row["id"]);
    cursor = j["next_cursor"].is_null() ? "" : j["next_cursor"].get<std::string>();
  } while (!cursor.empty());
  for (const auto& id : acknowledged) EXPECT_TRUE(stored.count(id)) << "acknowledged contact " << id << " was lost";
  // Every stored contact has its audit entry (same transaction).
  auto one = *acknowledged.begin();
  auto hist = after.Get("/api/v1/contacts/" + one + "/history").json()["data"];
  ASSERT_EQ(hist.size(), 1u);
  EXPECT_EQ(hist[0]["action"], "create");
}

}  // namespace
}  // namespace rapport::test
