// BackendFixture plus what most store tests start from: the schema migrated
// and one organisation, with its id, its administrator, an operator scope and
// its catalogue. Tests add their own users and records in SetUp after
// calling OrgFixture::SetUp.
#pragma once

#include <memory>
#include <string>

#include "app/org.h"
#include "backend_fixture.h"
#include "base/ids.h"
#include "meta/object.h"
#include "store/metadata.h"
#include "store/schema.h"
#include "store/scope.h"

namespace rapport {
namespace testsupport {

class OrgFixture : public BackendFixture {
 protected:
  void SetUp() override {
    BackendFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(InitCrypto());
    RP_ASSERT_OK(Migrate(conn()));
    auto org = InitOrganisation(conn(), "Test Co", "admin@example.com");
    RP_ASSERT_OK(org);
    org_ = org->org_id;
    admin_ = org->admin_id;
    scope_ = std::make_unique<TenantScope>(TenantScope::ForOperator(org_, admin_));
    auto cat = LoadCatalog(conn(), org_);
    RP_ASSERT_OK(cat);
    cat_ = *cat;
  }

  std::string org_, admin_;
  std::unique_ptr<TenantScope> scope_;  // the administrator, as an operator
  std::shared_ptr<const Catalog> cat_;
};

}  // namespace testsupport
}  // namespace rapport
