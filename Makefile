# Rapport: `make run` starts the CRM, `make test` runs every test.
# Both install missing Debian packages first (scripts/install-deps).

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
MAKEFLAGS  += --no-print-directory
DB         ?= sqlite:data/rapport.db
LISTEN     ?= 127.0.0.1:8080
PG_DIR     ?= $(CURDIR)/$(BUILD)/pgtest
PG_PORT    ?= 55432

.PHONY: all deps build run test test-asan bench clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@$(BUILD)/rapport serve --db $(DB) --listen $(LISTEN)

# The sanitizer build covers the core and the parsers (unit and store tests).
test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DRAPPORT_SANITIZE=ON -DRAPPORT_TESTS_ONLY_CORE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS) --target unit_tests

# Every test: unit + store (SQLite and a private PostgreSQL server started
# here and stopped afterwards), API tests against a real `rapport serve`, and
# the same unit/store suite under ASan+UBSan.
test: build test-asan
	@set -e; \
	url=$$(scripts/pg-test-server start $(PG_DIR) $(PG_PORT)); \
	trap 'scripts/pg-test-server stop $(PG_DIR) >/dev/null 2>&1 || true' EXIT INT TERM; \
	echo "PostgreSQL for tests: $$url"; \
	export RAPPORT_TEST_PG_URL="$$url"; \
	cd $(BUILD) && ctest --output-on-failure --timeout 900; \
	cd $(CURDIR) && echo "== unit and store tests under ASan+UBSan" && \
	ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp UBSAN_OPTIONS=print_stacktrace=1 $(ASAN_BUILD)/unit_tests --gtest_brief=1

bench: build
	@scripts/install-deps --with-bench
	@bench/run

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
