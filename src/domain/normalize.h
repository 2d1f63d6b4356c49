// Normalisation of values people type: phone numbers to E.164, names to one
// Unicode form with single spaces.
//
// Pure functions over strings (no I/O). Thread-safe: libphonenumber's
// PhoneNumberUtil is a read-only singleton and ICU's NFC normaliser is an
// immutable shared instance.
//
// These run on every create and update (not only imports): meta/validate.cc
// calls them through the hook that InstallNormalizers() sets, so a value is
// normalised wherever it is validated. Phone numbers without a country code
// are read in the default region of the organisation (organisations.
// default_region), set for the calling thread with PhoneRegionScope
// (meta/validate.h); "US" when nothing set one.
#pragma once

#include <string>
#include <string_view>

namespace rapport {

// `text` as E.164 ("+14155550123"), with " x<ext>" appended when it carries an
// extension, if libphonenumber reads it as a valid number in `region` (an ISO
// 3166 alpha-2 code; numbers starting with + or an international prefix need
// none). Otherwise `text` unchanged: a number that cannot be read is kept as
// the person wrote it, never dropped.
std::string NormalizePhone(std::string_view text, std::string_view region);

// True if `region` is a two-letter region libphonenumber knows ("US", "GB").
bool IsKnownPhoneRegion(std::string_view region);

// Unicode NFC (composed) form of valid UTF-8 `text`; ASCII is returned as is
// without calling ICU. Invalid UTF-8 is returned unchanged (validation
// rejects it separately).
std::string NormalizeUnicode(std::string_view text);

// A person's or company's name: NFC, runs of white space (including
// no-break and other Unicode spaces) collapsed to one ASCII space, trimmed.
std::string NormalizeName(std::string_view text);

// Installs NormalizePhone / NormalizeUnicode / NormalizeName as the hooks of
// meta/validate.h. Idempotent; done by a static initialiser of normalize.cc,
// so linking this file is enough.
void InstallNormalizers();

}  // namespace rapport
