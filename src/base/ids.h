// Identifiers, secrets and hashing, all drawn from libsodium.
//
// Thread-safe. Call InitCrypto() once at start-up before any other function.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rapport {

// Initialises libsodium; returns false if the library cannot start.
bool InitCrypto();

// A new record id: 26 characters of Crockford base32 (ULID layout: 48-bit
// millisecond time then 80 random bits), so ids sort roughly by creation time,
// which keeps inserts at the right edge of the primary-key index.
std::string NewId();

// `bytes` random bytes, base64url without padding (for tokens and secrets).
std::string RandomToken(size_t bytes = 32);

// Lower-case hex SHA-256 of `data` (used to store tokens, never the token).
std::string Sha256Hex(std::string_view data);

// A stable positive 63-bit key for a string (BLAKE2b), e.g. a search row's id.
int64_t StableKey(std::string_view data);

// Constant-time equality of two strings of equal length.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// argon2id password hash in libsodium's encoded string form (includes salt and
// parameters). Interactive limits: about 64 MiB and 2 passes.
std::string HashPassword(std::string_view password);
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);

// base64url (no padding) encode/decode; Decode returns false on bad input.
std::string Base64UrlEncode(std::string_view data);
bool Base64UrlDecode(std::string_view in, std::string* out);

}  // namespace rapport
