#include "base/ids.h"

#include <sodium.h>

#include <chrono>
#include <cstring>
#include <mutex>

namespace rapport {

bool InitCrypto() { return sodium_init() >= 0; }

std::string NewId() {
  static const char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  uint64_t ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
  // Monotonic within this process: in the same millisecond the random part is
  // incremented, so ids made one after another always sort in creation order.
  static std::mutex mu;
  static uint64_t last_ms = 0;
  static unsigned char last_rnd[10];
  unsigned char rnd[10];
  {
    std::lock_guard<std::mutex> lock(mu);
    if (ms <= last_ms) {
      ms = last_ms;
      for (int i = 9; i >= 0; --i) {
        if (++last_rnd[i] != 0) break;
      }
    } else {
      last_ms = ms;
      randombytes_buf(last_rnd, sizeof last_rnd);
      last_rnd[0] &= 0x7f;  // headroom so increments never overflow the 80 bits
    }
    memcpy(rnd, last_rnd, sizeof rnd);
  }
  // 128 bits: 48 time + 80 random, emitted 5 bits at a time (130 bits, top 2 zero).
  unsigned char bytes[16];
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  for (int i = 0; i < 10; ++i) bytes[6 + i] = rnd[i];
  std::string out(26, '0');
  // Treat bytes as a 128-bit big-endian integer; output 26 base32 digits.
  unsigned __int128 v = 0;
  for (unsigned char b : bytes) v = (v << 8) | b;
  for (int i = 25; i >= 0; --i) {
    out[i] = kAlphabet[static_cast<int>(v & 31)];
    v >>= 5;
  }
  return out;
}

std::string Base64UrlEncode(std::string_view data) {
  std::string out(sodium_base64_ENCODED_LEN(data.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(strlen(out.c_str()));
  return out;
}

bool Base64UrlDecode(std::string_view in, std::string* out) {
  for (char c : in) {  // libsodium 1.0.18 maps bytes >= 0x80 to '_': refuse them first
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') || static_cast<unsigned char>(c) >= 0x80)
      return false;
  }
  out->assign(in.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out->data()), out->size(), in.data(), in.size(), nullptr,
                        &len, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return false;
  }
  out->resize(len);
  return true;
}

std::string RandomToken(size_t bytes) {
  std::string buf(bytes, '\0');
  randombytes_buf(buf.data(), buf.size());
  return Base64UrlEncode(buf);
}

std::string Sha256Hex(std::string_view data) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return std::string(hex);
}

int64_t StableKey(std::string_view data) {
  unsigned char h[8];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(data.data()), data.size(), nullptr, 0);
  uint64_t v = 0;
  for (unsigned char b : h) v = (v << 8) | b;
  return static_cast<int64_t>(v & 0x7fffffffffffffffULL);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string HashPassword(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return {};
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view encoded_hash, std::string_view password) {
  std::string h(encoded_hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

}  // namespace rapport
