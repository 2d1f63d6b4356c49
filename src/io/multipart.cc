#include "io/multipart.h"

#include <fstream>

namespace rapport {

namespace {

std::string LowerCopy(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The value of `param` in a header like `form-data; name="file"; filename="a.csv"`.
std::string HeaderParam(const std::string& header, const std::string& param) {
  std::string lower = LowerCopy(header);
  size_t pos = 0;
  while ((pos = lower.find(param + "=", pos)) != std::string::npos) {
    if (pos > 0 && lower[pos - 1] != ';' && lower[pos - 1] != ' ') {
      pos += param.size();
      continue;
    }
    size_t v = pos + param.size() + 1;
    if (v < header.size() && header[v] == '"') {
      std::string out;
      for (size_t i = v + 1; i < header.size() && header[i] != '"'; ++i) {
        if (header[i] == '\\' && i + 1 < header.size()) ++i;
        out.push_back(header[i]);
      }
      return out;
    }
    size_t end = header.find(';', v);
    std::string out = header.substr(v, end == std::string::npos ? std::string::npos : end - v);
    while (!out.empty() && (out.back() == ' ' || out.back() == '\r')) out.pop_back();
    return out;
  }
  return {};
}

}  // namespace

std::string MultipartBoundary(const std::string& content_type) {
  std::string lower = LowerCopy(content_type);
  if (lower.rfind("multipart/form-data", 0) != 0) return {};
  std::string b = HeaderParam(content_type, "boundary");
  if (b.size() > 200) return {};
  return b;
}

Result<MultipartResult> ExtractMultipart(const std::string& body_path, const std::string& boundary,
                                         const std::string& file_out) {
  std::ifstream in(body_path, std::ios::binary);
  if (!in) return Status::Internal("cannot read the uploaded body");
  const std::string delim = "\r\n--" + boundary;
  std::string buf = "\r\n";  // so the first boundary looks like every other one
  auto fill = [&]() {
    char tmp[65536];
    in.read(tmp, sizeof tmp);
    std::streamsize n = in.gcount();
    if (n <= 0) return false;
    buf.append(tmp, static_cast<size_t>(n));
    return true;
  };
  auto bad = [](const std::string& why) { return Status::InvalidArgument("malformed multipart body: " + why); };
  // Preamble up to the first boundary.
  for (;;) {
    size_t p = buf.find(delim);
    if (p != std::string::npos) {
      buf.erase(0, p + delim.size());
      break;
    }
    if (buf.size() > delim.size()) buf.erase(0, buf.size() - delim.size());
    if (!fill()) return bad("no boundary '" + boundary + "'");
  }
  MultipartResult res;
  std::ofstream out;
  for (;;) {
    while (buf.size() < 2 && fill()) {
    }
    if (buf.rfind("--", 0) == 0) break;  // the closing boundary
    // Part headers.
    size_t hend;
    while ((hend = buf.find("\r\n\r\n")) == std::string::npos) {
      if (buf.size() > 16384) return bad("part headers are too large");
      if (!fill()) return bad("a part has no end of headers");
    }
    std::string headers = buf.substr(0, hend);
    buf.erase(0, hend + 4);
    std::string disposition;
    size_t pos = 0;
    while (pos < headers.size()) {
      size_t eol = headers.find("\r\n", pos);
      std::string line = headers.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
      pos = eol == std::string::npos ? headers.size() : eol + 2;
      if (LowerCopy(line).rfind("content-disposition:", 0) == 0) disposition = line.substr(20);
    }
    std::string name = HeaderParam(disposition, "name");
    std::string filename = HeaderParam(disposition, "filename");
    bool is_file = !res.has_file && (!filename.empty() || name == "file");
    if (is_file) {
      out.open(file_out, std::ios::binary | std::ios::trunc);
      if (!out) return Status::Internal("cannot write the uploaded file");
      res.has_file = true;
      res.file_field = name;
      res.file_name = filename;
    }
    std::string value;
    bool value_too_large = false;
    auto emit = [&](const char* data, size_t n) {
      if (is_file) {
        out.write(data, static_cast<std::streamsize>(n));
        res.file_bytes += static_cast<int64_t>(n);
      } else if (value.size() + n <= (1u << 20)) {
        value.append(data, n);
      } else {
        value_too_large = true;
      }
    };
    // Part data up to the next boundary.
    for (;;) {
      size_t p = buf.find(delim);
      if (p != std::string::npos) {
        emit(buf.data(), p);
        buf.erase(0, p + delim.size());
        break;
      }
      if (buf.size() > delim.size()) {
        size_t keep = delim.size() - 1;
        emit(buf.data(), buf.size() - keep);
        buf.erase(0, buf.size() - keep);
      }
      if (!fill()) return bad("the body ends inside a part (no closing boundary)");
    }
    if (is_file) {
      out.close();
      if (!out) return Status::Unavailable("cannot write the uploaded file (disk full?)");
    } else if (!name.empty()) {
      if (value_too_large) return bad("field '" + name + "' is larger than 1 MiB");
      res.fields[name] = std::move(value);
    }
    // After a boundary: "--" closes the body, CRLF (maybe after padding) starts a part.
    while (buf.size() < 2 && fill()) {
    }
    if (buf.rfind("--", 0) == 0) break;
    size_t crlf = buf.find("\r\n");
    if (crlf == std::string::npos || crlf > 64) return bad("no line break after a boundary");
    buf.erase(0, crlf + 2);
  }
  return res;
}

}  // namespace rapport
