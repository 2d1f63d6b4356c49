// multipart/form-data (RFC 7578) read from a file, streaming: the HTTP
// server spools upload bodies to disk, and this splits one into its small
// text fields (kept in memory, at most 1 MiB each) and its first file part
// (copied to another file in 64 KiB pieces, so any size costs constant
// memory). Pure functions over files; thread-safe.
#pragma once

#include <map>
#include <string>

#include "base/status.h"

namespace rapport {

// The boundary parameter of a multipart/form-data Content-Type; "" if the
// type is not multipart/form-data or has no boundary.
std::string MultipartBoundary(const std::string& content_type);

struct MultipartResult {
  std::map<std::string, std::string> fields;  // name -> value of the non-file parts
  bool has_file = false;
  std::string file_field;  // the file part's name ("file")
  std::string file_name;   // its filename parameter
  int64_t file_bytes = 0;
};

// Reads `body_path` with `boundary`; writes the first part that has a
// filename (or is named "file") to `file_out`. InvalidArgument when the body
// is not well-formed multipart.
Result<MultipartResult> ExtractMultipart(const std::string& body_path, const std::string& boundary,
                                         const std::string& file_out);

}  // namespace rapport
