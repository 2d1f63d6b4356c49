// The OpenAPI description of the routes that are neither the generic record
// routes nor lead generation (openapi_leads.h): global search, aggregates and
// CSV export of every list, stage moves and stage history, account health,
// quote revisions and printable documents, the overdue-tasks report,
// cadences and their enrollments, team selling (team roles, record teams,
// follows, feeds), the password change, the metadata overview, the calendar
// feed secret, and outside /api: health, metrics, CalDAV/CardDAV and the
// iCalendar feed. BuildOpenApi (openapi.cc) calls it after the per-object
// paths, so it also corrects those where a handler serves them differently
// (cadences show their steps as an array; enrollments are read-only there).
#pragma once

#include <nlohmann/json.hpp>

#include "meta/object.h"

namespace rapport {

// Adds paths to `paths` and schemas, a security scheme ("basic", for DAV)
// and responses ("E503") to `components`; refers to the "E400"... responses,
// the "Error" schema and the "Id"/"IfMatch" parameters BuildOpenApi defines.
// `cat` says which objects have lists, follows, feeds and teams.
void AddSalesOpenApi(const Catalog& cat, nlohmann::json* paths, nlohmann::json* components);

}  // namespace rapport
