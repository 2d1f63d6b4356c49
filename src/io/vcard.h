// vCard (RFC 2426 / 6350 and the 2.1 specification): a streaming reader of the
// files address books export, and a writer of vCard 3.0.
//
// VCardReader reads one card at a time from a stream (constant memory apart
// from one card, at most max_card_bytes): line folding (CRLF/LF/CR followed by
// a space or tab), vCard 2.1 QUOTED-PRINTABLE with soft line breaks,
// CHARSET parameters (any charset ICU knows; UTF-8 assumed, Windows-1252 when
// a value is not valid UTF-8), BASE64 values (skipped: photos, keys),
// backslash escapes, RFC 6868 caret escapes in parameters, group prefixes
// ("item1.EMAIL", "home.begin:vcard"), case-insensitive names, bare 2.1
// parameters (";WORK;PREF"). Each card carries the line number and byte offset
// of its BEGIN line so an import can report and resume. Not thread-safe.
#pragma once

#include <cstdint>
#include <istream>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"

namespace rapport {

// One property: NAME;PARAM=VALUE:value (value decoded to UTF-8, escapes kept
// so structured values can still be split; see Components()).
struct VCardProperty {
  std::string group;                                   // "item1" or ""
  std::string name;                                    // upper case, e.g. "TEL"
  std::multimap<std::string, std::string> params;      // upper-case names; TYPE values split, upper case
  std::string value;                                   // raw text, escapes not yet removed
  bool HasType(const std::string& type) const;         // TYPE=... or a bare 2.1 parameter
  bool Preferred() const;                              // TYPE=PREF or PREF=1..100
};

struct VCard {
  std::string version;  // "2.1", "3.0", "4.0" (or "")
  std::vector<VCardProperty> properties;
  int64_t line = 0;     // line of BEGIN:VCARD (1-based)
  int64_t offset = 0;   // byte offset of that line
  const VCardProperty* First(const std::string& name) const;
  std::vector<const VCardProperty*> All(const std::string& name) const;
};

// The text of a value with vCard escapes (\n \, \; \\) undone.
std::string VCardUnescape(const std::string& raw);
// The ';'-separated components of a structured value (N, ADR, ORG), each unescaped.
std::vector<std::string> VCardComponents(const std::string& raw);

struct VCardOptions {
  size_t max_card_bytes = 16 << 20;  // a larger card is an error for that card
};

class VCardReader {
 public:
  explicit VCardReader(std::istream& in, VCardOptions opts = {});
  // Reads the next card. False at the end of input. A malformed card (no
  // END, too large) sets *error with its line and returns true; text outside
  // BEGIN/END is skipped.
  bool Next(VCard* out, Status* error);
  // Continues at byte `offset` (a card's offset) with line numbering from `line`.
  bool SeekTo(int64_t offset, int64_t line);
  int64_t position() const { return offset_; }
  // Where the card after the last one returned starts (offset and line).
  int64_t resume_offset() const { return has_pending_ ? pending_start_ : offset_; }
  int64_t resume_line() const { return has_pending_ ? pending_line_ : line_ + 1; }

 private:
  bool ReadLine(std::string* line, int64_t* start);  // one physical line without its break
  std::istream& in_;
  VCardOptions opts_;
  std::string pending_;      // a physical line read ahead (for unfolding)
  bool has_pending_ = false;
  int64_t pending_start_ = 0;
  int64_t pending_line_ = 0;
  int64_t offset_ = 0;       // stream offset of the next unread byte
  int64_t line_ = 0;         // lines read so far
};

// Flattens a card into the columns of kVCardColumns (the vCard import's
// "header"): names split from N (or FN), up to three e-mails (preferred first),
// phones by type, the preferred address, organisation, title, note, UID.
extern const std::vector<std::string> kVCardColumns;
std::vector<std::string> VCardToRow(const VCard& card);

// Writes one vCard 3.0 (CRLF lines folded at 75 octets, never inside a UTF-8
// sequence; text escaped). Empty values are left out.
struct VCardContact {
  std::string uid, first_name, last_name, organisation, title, email, phone, mobile;
  std::string street, city, postcode, country, note, revision;
};
std::string WriteVCard(const VCardContact& c);

}  // namespace rapport
