// Synthetic contacts for the benchmarks: deterministic, realistic enough that
// indexes, sort orders and filter selectivities behave like a real CRM's.
//
// Contact(n) depends only on n, so the load generator (its {first_name},
// {country}, ... placeholders), rapport_seed and rapport_rawsqlite all produce
// the same rows for the same sequence numbers. Countries are skewed (the top
// country holds ~18% of the rows, the smallest ~0.3%), last names are skewed,
// e-mails are unique per n. Header-only, no dependencies; thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace bench {

inline uint64_t Mix(uint64_t x) {  // splitmix64 finaliser
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}
inline uint64_t Hash(uint64_t n, uint64_t salt) { return Mix(n * 0x100000001B3ull ^ Mix(salt)); }

struct CountryInfo {
  const char* name;
  const char* dial;  // calling code without '+'
  int weight;        // relative share of contacts
  const char* cities[4];
};

// ~30 countries; weights sum to 1000 (so weight/10 is a percentage).
inline constexpr CountryInfo kCountries[] = {
    {"US", "1", 180, {"New York", "Chicago", "Austin", "Seattle"}},
    {"DE", "49", 120, {"Berlin", "München", "Hamburg", "Köln"}},
    {"GB", "44", 90, {"London", "Manchester", "Leeds", "Bristol"}},
    {"FR", "33", 70, {"Paris", "Lyon", "Marseille", "Toulouse"}},
    {"IN", "91", 55, {"Bengaluru", "Mumbai", "Pune", "Delhi"}},
    {"CA", "1", 45, {"Toronto", "Montréal", "Vancouver", "Calgary"}},
    {"ES", "34", 40, {"Madrid", "Barcelona", "Valencia", "Sevilla"}},
    {"IT", "39", 40, {"Milano", "Roma", "Torino", "Bologna"}},
    {"NL", "31", 35, {"Amsterdam", "Rotterdam", "Utrecht", "Eindhoven"}},
    {"BR", "55", 35, {"São Paulo", "Rio de Janeiro", "Curitiba", "Recife"}},
    {"AU", "61", 30, {"Sydney", "Melbourne", "Brisbane", "Perth"}},
    {"JP", "81", 30, {"Tokyo", "Osaka", "Nagoya", "Fukuoka"}},
    {"CH", "41", 25, {"Zürich", "Genève", "Basel", "Bern"}},
    {"SE", "46", 22, {"Stockholm", "Göteborg", "Malmö", "Uppsala"}},
    {"PL", "48", 22, {"Warszawa", "Kraków", "Wrocław", "Gdańsk"}},
    {"AT", "43", 20, {"Wien", "Graz", "Linz", "Salzburg"}},
    {"BE", "32", 18, {"Brussel", "Antwerpen", "Gent", "Liège"}},
    {"MX", "52", 18, {"Ciudad de México", "Guadalajara", "Monterrey", "Puebla"}},
    {"DK", "45", 14, {"København", "Aarhus", "Odense", "Aalborg"}},
    {"NO", "47", 12, {"Oslo", "Bergen", "Trondheim", "Stavanger"}},
    {"IE", "353", 12, {"Dublin", "Cork", "Galway", "Limerick"}},
    {"SG", "65", 10, {"Singapore", "Singapore", "Singapore", "Singapore"}},
    {"FI", "358", 10, {"Helsinki", "Espoo", "Tampere", "Turku"}},
    {"PT", "351", 10, {"Lisboa", "Porto", "Braga", "Coimbra"}},
    {"CZ", "420", 9, {"Praha", "Brno", "Ostrava", "Plzeň"}},
    {"ZA", "27", 8, {"Johannesburg", "Cape Town", "Durban", "Pretoria"}},
    {"NZ", "64", 6, {"Auckland", "Wellington", "Christchurch", "Hamilton"}},
    {"AE", "971", 5, {"Dubai", "Abu Dhabi", "Sharjah", "Ajman"}},
    {"IL", "972", 5, {"Tel Aviv", "Jerusalem", "Haifa", "Be'er Sheva"}},
    {"HU", "36", 3, {"Budapest", "Debrecen", "Szeged", "Pécs"}},
};
inline constexpr int kCountryCount = sizeof(kCountries) / sizeof(kCountries[0]);

inline constexpr const char* kFirstNames[] = {
    "James",  "Mary",     "Robert",  "Patricia", "John",    "Jennifer", "Michael", "Linda",   "David",   "Elizabeth",
    "Thomas", "Susan",    "Daniel",  "Sarah",    "Paul",    "Karen",    "Mark",    "Nancy",   "Anna",    "Laura",
    "Lukas",  "Sophie",   "Jonas",   "Marie",    "Felix",   "Lena",     "Maximilian", "Hannah", "Léa",   "Hugo",
    "Chloé",  "Louis",    "Camille", "Gabriel",  "Oliver",  "Amelia",   "George",  "Isla",    "Harry",   "Emily",
    "Aarav",  "Ananya",   "Vivaan",  "Diya",     "Sofia",   "Mateo",    "Lucía",   "Hugo",    "Giulia",  "Lorenzo",
    "Chiara", "Matteo",   "Daan",    "Emma",     "Sem",     "Julia",    "Pedro",   "Ana",     "João",    "Beatriz",
    "Haruto", "Yui",      "Sota",    "Hina",     "Noah",    "Olivia",   "Liam",    "Ava",     "Erik",    "Astrid",
    "Jakub",  "Zuzanna",  "Søren",   "Ingrid",   "Mikael",  "Aino",     "Seán",    "Aoife",   "Tomás",   "Inês",
};
inline constexpr int kFirstNameCount = sizeof(kFirstNames) / sizeof(kFirstNames[0]);

// Common names first: LastName() draws index min(a, b) of two uniform picks,
// so early entries are markedly more frequent (a realistic skew).
inline constexpr const char* kLastNames[] = {
    "Smith",     "Müller",    "Johnson",   "Schmidt",   "Williams",  "Martin",    "Brown",     "García",
    "Jones",     "Schneider", "Miller",    "Bernard",   "Davis",     "Fischer",   "Rodríguez", "Dubois",
    "Wilson",    "Weber",     "Anderson",  "Thomas",    "Taylor",    "Meyer",     "Moore",     "Robert",
    "Jackson",   "Wagner",    "White",     "Richard",   "Harris",    "Becker",    "Clark",     "Petit",
    "Lewis",     "Schulz",    "Walker",    "Durand",    "Hall",      "Hoffmann",  "Allen",     "Leroy",
    "Young",     "Koch",      "King",      "Moreau",    "Wright",    "Richter",   "Scott",     "Simon",
    "Green",     "Klein",     "Baker",     "Laurent",   "Adams",     "Wolf",      "Nelson",    "Lefebvre",
    "Hill",      "Schröder",  "Campbell",  "Michel",    "Mitchell",  "Neumann",   "Roberts",   "Fournier",
    "Carter",    "Schwarz",   "Phillips",  "Girard",    "Evans",     "Zimmermann", "Turner",   "Bonnet",
    "Torres",    "Braun",     "Parker",    "Rossi",     "Collins",   "Krüger",    "Edwards",   "Russo",
    "Stewart",   "Hofmann",   "Morris",    "Ferrari",   "Murphy",    "Hartmann",  "Cook",      "Esposito",
    "Rogers",    "Lange",     "Morgan",    "Bianchi",   "Peterson",  "Schmitt",   "Cooper",    "Romano",
    "Reed",      "Werner",    "Bailey",    "Colombo",   "Bell",      "Krause",    "Gomez",     "Ricci",
    "Kelly",     "Meier",     "Howard",    "Marino",    "Ward",      "Lehmann",   "Cox",       "Greco",
    "Diaz",      "Schmid",    "Richardson", "Bruno",    "Wood",      "Schulze",   "Watson",    "Gallo",
    "Brooks",    "Maier",     "Bennett",   "Conti",     "Gray",      "Köhler",    "James",     "De Jong",
    "Reyes",     "Herrmann",  "Cruz",      "Jansen",    "Hughes",    "König",     "Price",     "De Vries",
    "Myers",     "Walter",    "Long",      "Van Dijk",  "Foster",    "Mayer",     "Sanders",   "Bakker",
    "Ross",      "Huber",     "Morales",   "Visser",    "Powell",    "Kaiser",    "Sullivan",  "Smit",
    "Russell",   "Fuchs",     "Ortiz",     "Silva",     "Jenkins",   "Peters",    "Gutiérrez", "Santos",
    "Perry",     "Lang",      "Butler",    "Ferreira",  "Barnes",    "Möller",    "Fisher",    "Pereira",
    "Henderson", "Weiß",      "Coleman",   "Tanaka",    "Simmons",   "Jung",      "Patterson", "Suzuki",
    "Jordan",    "Hahn",      "Reynolds",  "Watanabe",  "Hamilton",  "Schubert",  "Graham",    "Kumar",
    "Kim",       "Vogel",     "Gonzales",  "Sharma",    "Alexander", "Friedrich", "Ramos",     "Patel",
    "Wallace",   "Keller",    "Griffin",   "Singh",     "West",      "Günther",   "Cole",      "Nowak",
    "Hayes",     "Frank",     "Chavez",    "Kowalski",  "Gibson",    "Berger",    "Bryant",    "Andersson",
    "Ellis",     "Winkler",   "Stevens",   "Johansson", "Murray",    "Roth",      "Ford",      "Nielsen",
    "Marshall",  "Beck",      "Owens",     "Hansen",    "McDonald",  "Lorenz",    "Harrison",  "Virtanen",
    "Ruiz",      "Baumann",   "Kennedy",   "O'Brien",   "Wells",     "Franke",    "Alvarez",   "Novák",
    "Woods",     "Albrecht",  "Mendoza",   "Horváth",   "Castillo",  "Schuster",  "Olson",     "Nagy",
    "Webb",      "Simon",     "Washington", "Böhm",     "Tucker",    "Winter",    "Freeman",   "Kraus",
    "Burns",     "Martin",    "Henry",     "Schumacher", "Vasquez",  "Krämer",    "Snyder",    "Vogt",
};
inline constexpr int kLastNameCount = sizeof(kLastNames) / sizeof(kLastNames[0]);

inline constexpr const char* kDomains[] = {"example.com", "example.org", "example.net", "mail.example",
                                           "corp.example", "acme.example", "globex.example", "initech.example"};
inline constexpr const char* kTitles[] = {"CEO", "CTO", "Head of Sales", "Purchasing Manager", "Office Manager",
                                          "Engineer", "Consultant", "Director of Operations", "Buyer", "Founder",
                                          "Account Manager", "CFO", "Marketing Lead", "Project Manager"};
inline constexpr const char* kStreets[] = {"Main Street", "Hauptstraße", "Rue de la Paix", "High Street",
                                           "Calle Mayor", "Via Roma", "Kerkstraat", "Bahnhofstraße",
                                           "Park Avenue", "Church Road", "Storgatan", "Rua Augusta"};
inline constexpr const char* kSources[] = {"web_form", "direct_mail", "telemarketing", "field_sales", "partner",
                                           "event", "email", "api", "import", "other"};

inline const CountryInfo& CountryOf(uint64_t n) {
  int r = static_cast<int>(Hash(n, 1) % 1000);
  for (const auto& c : kCountries) {
    if (r < c.weight) return c;
    r -= c.weight;
  }
  return kCountries[0];
}

// The n-th country by frequency rank (0 = most common), for filter values.
inline const char* CountryByRank(uint64_t k) { return kCountries[k % kCountryCount].name; }

struct Contact {
  std::string first_name, last_name, email, phone, title, street, city, postcode, country, source;
};

inline std::string AsciiLower(std::string_view s) {
  std::string out;
  for (unsigned char ch : s) {
    if (ch >= 'A' && ch <= 'Z') out += static_cast<char>(ch - 'A' + 'a');
    else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) out += static_cast<char>(ch);
    // non-ASCII bytes, spaces and apostrophes are dropped for the e-mail local part
  }
  return out;
}

inline Contact MakeContact(uint64_t n) {
  Contact c;
  const CountryInfo& co = CountryOf(n);
  c.first_name = kFirstNames[Hash(n, 2) % kFirstNameCount];
  uint64_t a = Hash(n, 3) % kLastNameCount, b = Hash(n, 4) % kLastNameCount;
  c.last_name = kLastNames[a < b ? a : b];
  c.email = AsciiLower(c.first_name) + "." + AsciiLower(c.last_name) + "." + std::to_string(n) + "@" +
            kDomains[Hash(n, 5) % (sizeof(kDomains) / sizeof(kDomains[0]))];
  char buf[64];
  std::snprintf(buf, sizeof buf, "+%s %03u %07u", co.dial, static_cast<unsigned>(Hash(n, 6) % 900 + 100),
                static_cast<unsigned>(Hash(n, 7) % 10000000));
  c.phone = buf;
  c.title = kTitles[Hash(n, 8) % (sizeof(kTitles) / sizeof(kTitles[0]))];
  std::snprintf(buf, sizeof buf, "%s %u", kStreets[Hash(n, 9) % (sizeof(kStreets) / sizeof(kStreets[0]))],
                static_cast<unsigned>(Hash(n, 10) % 200 + 1));
  c.street = buf;
  c.city = co.cities[Hash(n, 11) % 4];
  std::snprintf(buf, sizeof buf, "%05u", static_cast<unsigned>(Hash(n, 12) % 100000));
  c.postcode = buf;
  c.country = co.name;
  c.source = kSources[Hash(n, 13) % (sizeof(kSources) / sizeof(kSources[0]))];
  return c;
}

inline std::string JsonEscape(std::string_view s) {
  std::string out;
  for (unsigned char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += static_cast<char>(ch);
    } else if (ch < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", ch);
      out += buf;
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out;
}

// The API create body for contact n (the fields a client would send).
inline std::string ContactJson(uint64_t n) {
  Contact c = MakeContact(n);
  std::string j = "{";
  auto add = [&](const char* k, const std::string& v) {
    if (j.size() > 1) j += ",";
    j += "\"";
    j += k;
    j += "\":\"" + JsonEscape(v) + "\"";
  };
  add("first_name", c.first_name);
  add("last_name", c.last_name);
  add("email", c.email);
  add("phone", c.phone);
  add("title", c.title);
  add("street", c.street);
  add("city", c.city);
  add("postcode", c.postcode);
  add("country", c.country);
  add("source", c.source);
  add("source_ref", "bench-" + std::to_string(n));
  j += "}";
  return j;
}

}  // namespace bench
