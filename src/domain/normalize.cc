#include "domain/normalize.h"

#include <phonenumbers/phonenumberutil.h>
#include <set>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include "meta/validate.h"

namespace rapport {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

// "+" followed by 8 to 15 digits: already E.164, so the answer is the input
// whether or not libphonenumber would call it valid (a valid number formats to
// itself; an invalid one is kept as written). Skips ~20 us of regex work.
bool IsE164Shape(std::string_view s) {
  if (s.size() < 9 || s.size() > 16 || s[0] != '+' || s[1] == '0') return false;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

}  // namespace

std::string NormalizePhone(std::string_view text, std::string_view region) {
  if (IsE164Shape(text)) return std::string(text);
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  std::string reg(region.empty() ? "US" : region);
  if (util->Parse(std::string(text), reg, &number) != PhoneNumberUtil::NO_PARSING_ERROR) return std::string(text);
  if (!util->IsValidNumber(number)) return std::string(text);
  std::string out;
  util->Format(number, PhoneNumberUtil::E164, &out);
  if (number.has_extension() && !number.extension().empty()) out += " x" + number.extension();
  return out;
}

bool IsKnownPhoneRegion(std::string_view region) {
  if (region.size() != 2) return false;
  std::set<std::string> regions;
  PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
  return regions.count(std::string(region)) > 0;
}

std::string NormalizeUnicode(std::string_view text) {
  if (IsAscii(text)) return std::string(text);
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  if (U_FAILURE(err)) return std::string(text);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  if (u.indexOf(static_cast<char16_t>(0xFFFD)) >= 0 && text.find("\xEF\xBF\xBD") == std::string_view::npos)
    return std::string(text);  // not valid UTF-8: leave it to validation
  if (nfc->isNormalized(u, err) && U_SUCCESS(err)) return std::string(text);
  err = U_ZERO_ERROR;
  icu::UnicodeString n = nfc->normalize(u, err);
  if (U_FAILURE(err)) return std::string(text);
  std::string out;
  n.toUTF8String(out);
  return out;
}

std::string NormalizeName(std::string_view text) {
  std::string s = NormalizeUnicode(text);
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  int32_t len = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < len;) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, len, c);
    bool space = c >= 0 && (u_isUWhiteSpace(c) || c == 0x200B);  // Unicode spaces + zero-width space
    if (space) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    out.append(s, static_cast<size_t>(start), static_cast<size_t>(i - start));
  }
  return out;
}

void InstallNormalizers() {
  ValueNormalizers n;
  n.phone = [](std::string_view text, std::string_view region) { return NormalizePhone(text, region); };
  n.unicode = [](std::string_view text) { return NormalizeUnicode(text); };
  n.name = [](std::string_view text) { return NormalizeName(text); };
  SetValueNormalizers(n);
}

namespace {
// Linking this file installs the hooks (see the header).
const bool kInstalled = (InstallNormalizers(), true);
}  // namespace

}  // namespace rapport
