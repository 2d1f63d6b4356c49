// Calendar and contacts sync (issue 5; docs/decisions/010-dav-and-ical.md):
// CalDAV (RFC 4791) and CardDAV (RFC 6352) under /dav/, and a per-user
// iCalendar feed (RFC 5545) at /ical/{secret}.ics.
//
// Layout (one calendar and one address book per user, the records the user
// owns):
//   /dav/                               root: current-user-principal
//   /dav/principals/{user_id}/          calendar-home-set, addressbook-home-set
//   /dav/home/{user_id}/                the user's home
//   /dav/home/{user_id}/calendar/       activities: meetings, calls and visits
//                                       with a time (VEVENT), tasks (VTODO)
//   /dav/home/{user_id}/contacts/       contacts (vCard 3.0)
//   .../calendar/{name}  .../contacts/{name}   one record each
// A record made in Rapport is "<id>.ics" / "<id>.vcf" with UID = its id; a
// resource a client creates keeps the client's name and UID (table
// dav_resources), and the client's own text is served back until the record
// changes. ETag = the record's version, as in the REST API; If-Match and
// If-None-Match: * answer 412 on a mismatch, so a stale client never
// overwrites a newer record. Every write goes through RecordService (audit,
// visibility, validation).
//
// Authentication: HTTP Basic with the user's email and an API token as the
// password (`rapport token create`), or a Bearer token. Passwords are not
// accepted here (decision 010).
//
// Thread-safe: stateless apart from the catalogue cache it is given.
#pragma once

#include "app/auth.h"
#include "app/records_service.h"
#include "http/message.h"
#include "store/conn.h"

namespace rapport {

// True for the paths HandleDav answers: /dav, /dav/..., /.well-known/caldav,
// /.well-known/carddav and /ical/....
bool IsDavPath(const std::string& path);

// Answers a CalDAV/CardDAV request (OPTIONS, PROPFIND, REPORT, GET, HEAD, PUT,
// DELETE) or a feed request (GET /ical/{secret}.ics, no session needed).
HttpResponse HandleDav(HttpRequest& req, Conn* c, CatalogCache* catalogs);

// POST /api/v1/me/ical: a new feed secret for the signed-in user (the old one
// stops working); answers the feed URL once. DELETE revokes the feed.
HttpResponse ICalFeedSecret(const Principal& p, Conn* c, const HttpRequest& req);

}  // namespace rapport
