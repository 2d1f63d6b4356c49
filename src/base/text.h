// Small text helpers shared by the layers above base.
#pragma once

#include <string>
#include <string_view>

namespace rapport {

// `s` as HTML text or attribute value: & < > " ' escaped.
std::string HtmlEscape(std::string_view s);

}  // namespace rapport
