// The OpenAPI description of the lead-generation endpoints that are not
// plain record routes (issue 4): web forms and their public pages, convert,
// campaign members, the mailing list and the call list, enrichment, rescore,
// assignment, predictive models, the first-response report, notifications,
// imports and settings. BuildOpenApi (openapi.cc) calls it after the
// per-object paths, so it may refine those (forms answer with their public
// URL and embed snippets).
#pragma once

#include <nlohmann/json.hpp>

namespace rapport {

// Adds paths to `paths` and schemas to `schemas` (the components' "schemas"
// object); refers to the "E400"... responses and the "Id" parameter that
// BuildOpenApi defines.
void AddLeadGenOpenApi(nlohmann::json* paths, nlohmann::json* schemas);

}  // namespace rapport
