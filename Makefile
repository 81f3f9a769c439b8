# Gatehouse — build, run and test. `make run` and `make test` work on a fresh Debian 12 machine.
SHELL := /bin/bash
MAKEFLAGS += -j$(shell nproc)
.DEFAULT_GOAL := build

BUILD    ?= build
CXX      ?= g++
CXXFLAGS ?= -O2 -g
# `make test SANITIZE=1`: everything built again with AddressSanitizer and UndefinedBehaviorSanitizer
# in build-asan/ (any error aborts the process that made it), then the same suites. (GCC 12 warns
# "maybe-uninitialized" inside std::regex and std::function under the sanitizers: false positives.)
ifeq ($(SANITIZE),1)
BUILD     = build-asan
CXXFLAGS  = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all -Wno-maybe-uninitialized
# The servers' own exits (_exit in workers, the master's at stop) are not leak checks; halt on the
# first error, and let children of the test processes report to the log they write.
export ASAN_OPTIONS ?= detect_leaks=0:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1
# The PostgreSQL pass of the sanitized run is the unit tests (every store and rule on PostgreSQL,
# the engine's code under the sanitizers); the end-to-end suite runs on PostgreSQL in the plain run.
POSTGRES_SUITES = $(BUILD)/unit_tests
endif
# What `make test` runs a second time on PostgreSQL (tests/with-postgres.sh).
POSTGRES_SUITES ?= $(BUILD)/unit_tests $(BUILD)/e2e_tests
# GMime (MIME mail for the mailer) via pkg-config; deferred (=) so `make deps` can install it first.
GMIME_CFLAGS = $(shell pkg-config --cflags gmime-3.0)
GMIME_LIBS   = $(shell pkg-config --libs gmime-3.0)
# libvips (profile pictures decoded and encoded again) likewise; its headers for src/core/image.cpp only.
VIPS_CFLAGS  = $(shell pkg-config --cflags vips)
VIPS_LIBS    = $(shell pkg-config --libs vips)
# libpq (the PostgreSQL engine of src/store/postgresql.cpp) keeps its header in /usr/include/postgresql.
PQ_CFLAGS    = $(shell pkg-config --cflags libpq)
CXXFLAGS += -std=c++2b -Wall -Wextra -Werror -Iinclude -MMD -MP -DBOOST_TEST_DYN_LINK $(GMIME_CFLAGS) $(PQ_CFLAGS)
LDLIBS    = -lsystemd -lutf8proc -lcjose -lphonenumber -lfcgi -lcgicc -lctemplate -lmemcached -lsqlite3 -lpq -largon2 -lsodium -lcrypt -lssl -lcrypto -lpthread -lcurl $(GMIME_LIBS) $(VIPS_LIBS) -loath -lqrencode

# Debian packages the build, the stack and the tests need (`make deps` installs the missing ones as root).
PACKAGES := g++ make pkg-config openssl ca-certificates procps \
            libfcgi-dev libcgicc-dev libssl-dev libsodium-dev libargon2-dev libcjose-dev libphonenumber-dev \
            libsqlite3-dev sqlite3 libmemcached-dev libutf8proc-dev libctemplate-dev nlohmann-json3-dev \
            libcurl4-openssl-dev libgmime-3.0-dev libboost-test-dev nginx memcached wrk curl \
            python3-jwt python3-jwcrypto chromium libsystemd-dev systemd logrotate libfcgi-bin prometheus \
            libvips-dev libvips-tools \
            liboath-dev libqrencode-dev python3-pyotp \
            libpq-dev postgresql gettext \
            libcrypt-dev python3-django python3-argon2 python3-bcrypt python3-psycopg2

LIB_SRC   := $(filter-out src/main.cpp,$(wildcard src/*/*.cpp))
LIB_OBJ   := $(LIB_SRC:%.cpp=$(BUILD)/%.o)
UNIT_SRC  := $(wildcard tests/unit/*.cpp)
E2E_SRC   := $(wildcard tests/e2e/*.cpp)
UNIT_OBJ  := $(UNIT_SRC:%.cpp=$(BUILD)/%.o)
E2E_OBJ   := $(E2E_SRC:%.cpp=$(BUILD)/%.o)

.PHONY: build deps run test unit e2e bench walk clean fuzz fuzz-deps fuzz-build check-layers openapi-check vendor-docs \
        install uninstall pot check-translations
build: $(BUILD)/gatehouse

# Translations (README: *Languages*): po/<lang>.po, compiled by msgfmt into locale/<lang>/LC_MESSAGES/,
# where a binary finds them next to templates/ (GATEHOUSE_HOME). English is the source language.
LANGUAGES := $(basename $(notdir $(wildcard po/*.po)))
MO_FILES  := $(LANGUAGES:%=locale/%/LC_MESSAGES/gatehouse.mo)

locale/%/LC_MESSAGES/gatehouse.mo: po/%.po | deps
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# po/gatehouse.pot again from the marked strings (N_/tr in src/, {{_ … _}} in templates/), and each
# po/<lang>.po merged with it: run after marking or changing a string, then translate what is new.
pot:
	po/extract.sh po/gatehouse.pot
	for po in po/*.po; do msgmerge --quiet --no-wrap --update --backup=none --no-fuzzy-matching $$po po/gatehouse.pot; done

check-translations:
	tests/check-translations.sh

# Installing packages needs root; everyone else gets the list of what is missing. prometheus is there
# for the tests' promtool only: the server it brings along is stopped and disabled when we installed it.
# postgresql is there for the tests' own servers (initdb in a temporary directory): Debian is told
# not to create and start its main cluster.
deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:" $$missing; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    case " $$missing " in *" postgresql "*) mkdir -p /etc/postgresql-common/createcluster.d && \
	      echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/gatehouse-tests.conf;; esac; \
	    apt-get update -q && apt-get install -y -q --no-install-recommends $$missing; \
	    case " $$missing " in *" prometheus "*) systemctl disable --now prometheus.service >/dev/null 2>&1 || true;; esac; \
	  else echo "missing Debian packages (install as root): $$missing" >&2; exit 1; fi; \
	fi

$(BUILD)/src/core/image.o: CXXFLAGS += $(VIPS_CFLAGS)

# Every compile waits for the packages (order-only: it does not force rebuilds).
$(BUILD)/%.o: %.cpp | deps
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c $< -o $@

$(BUILD)/libgatehouse.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/gatehouse: $(BUILD)/src/main.o $(BUILD)/libgatehouse.a | $(MO_FILES)
	$(CXX) $(CXXFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/unit_tests: $(UNIT_OBJ) $(BUILD)/libgatehouse.a | $(MO_FILES)
	$(CXX) $(CXXFLAGS) $^ -o $@ $(LDLIBS) -lboost_unit_test_framework

$(BUILD)/e2e_tests: $(E2E_OBJ) $(BUILD)/libgatehouse.a
	$(CXX) $(CXXFLAGS) $^ -o $@ $(LDLIBS) -lcurl -lboost_unit_test_framework

# The host's other application in the gate's tests: a bare libfcgi program (tests/apps/).
$(BUILD)/fcgi_app: $(BUILD)/tests/apps/fcgi_app.o
	$(CXX) $(CXXFLAGS) $^ -o $@ -lfcgi

# One argon2id hash timed three ways (tests/bench/hash_speed.cpp); `make bench` prints its figures.
$(BUILD)/hash_speed: $(BUILD)/tests/bench/hash_speed.o $(BUILD)/libgatehouse.a
	$(CXX) $(CXXFLAGS) $^ -o $@ $(LDLIBS)

# setpriv: when make itself is killed, the stack gets SIGTERM and stops in order.
run: build
	exec setpriv --pdeathsig TERM nginx/stack.sh

unit: $(BUILD)/unit_tests $(BUILD)/gatehouse
	tests/run-suite.sh $(BUILD)/unit_tests

e2e: $(BUILD)/e2e_tests $(BUILD)/gatehouse $(BUILD)/fcgi_app
	tests/run-suite.sh $(BUILD)/e2e_tests

# The OpenAPI document checked by an independent validator: @seriousme/openapi-schema-validator (the
# official OpenAPI 3.1 JSON Schema, and every $ref resolved), pinned, from the npm registry into build/
# on first use (npm from Debian when the machine has none). Exits non-zero on an invalid document.
OPENAPI_VALIDATOR := @seriousme/openapi-schema-validator@2.11.0
VALIDATOR_DIR     := build/tools/openapi-schema-validator-2.11.0
VALIDATE_API      := $(VALIDATOR_DIR)/node_modules/.bin/validate-api

$(VALIDATE_API): | deps
	@command -v npm >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q --no-install-recommends npm; }
	@mkdir -p $(VALIDATOR_DIR) && echo '{"private": true}' > $(VALIDATOR_DIR)/package.json
	cd $(VALIDATOR_DIR) && npm install --no-audit --no-fund --silent $(OPENAPI_VALIDATOR)

openapi-check: $(VALIDATE_API)
	$(VALIDATE_API) templates/openapi.json

# Swagger UI and ReDoc, checked in under nginx/static/vendor/ for the API docs pages: fetch the pinned
# versions again (nginx/vendor-docs.sh names them) with `npm pack`.
vendor-docs:
	nginx/vendor-docs.sh

# The layering check, the OpenAPI document, the units, then the end-to-end suite against real nginx,
# memcached and SQLite.
test: $(BUILD)/gatehouse $(BUILD)/unit_tests $(BUILD)/e2e_tests $(BUILD)/fcgi_app $(VALIDATE_API)
	tests/check-layers.sh
	tests/check-translations.sh
	$(VALIDATE_API) templates/openapi.json
	tests/run-suite.sh $(BUILD)/unit_tests $(BUILD)/e2e_tests
	tests/with-postgres.sh tests/run-suite.sh $(POSTGRES_SUITES)

check-layers:
	tests/check-layers.sh

# The ceiling of `make bench`: a bare libfcgi program answering a fixed page (tests/bench/ceiling.c).
$(BUILD)/bench_ceiling: tests/bench/ceiling.c | deps
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra -Werror $< -o $@ -lfcgi

bench: build $(BUILD)/bench_ceiling $(BUILD)/hash_speed
	BUILD=$(BUILD) tests/bench.sh

# A real browser (headless Chromium) through the main flows; not part of `make test`.
walk: build
	tests/browser/walk.sh

clean:
	rm -rf $(BUILD) locale

# ---- Installing as a service (README: "Installing on a server"): `make` as yourself, then
# `sudo make install`. It installs the binary that is built (make rebuilds it only when it is stale)
# and the files it reads under $(SHAREDIR), the same layout as the checkout: an installed
# $(BINDIR)/gatehouse finds ../share/gatehouse by itself. With DESTDIR (a staging tree for a package)
# it makes no user and tells no systemd.
PREFIX       ?= /usr/local
BINDIR       ?= $(PREFIX)/bin
SHAREDIR     ?= $(PREFIX)/share/gatehouse
CONFDIR      ?= /etc/gatehouse
UNITDIR      ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
SYSUSERSDIR  ?= $(PREFIX)/lib/sysusers.d
LOGROTATEDIR ?= /etc/logrotate.d
# Fixed by gatehouse.service: StateDirectory=gatehouse, RuntimeDirectory=gatehouse, and memcached's.
STATEDIR         := /var/lib/gatehouse
SOCKET           := /run/gatehouse/gatehouse.sock
MEMCACHED_SOCKET := /run/gatehouse-memcached/memcached.sock
# Behind a load balancer (README): `make install TRUSTED_PROXIES="10.0.0.0/8 192.0.2.7"` writes nginx's
# realip lines into the installed gatehouse-locations.conf; empty, the client address is the connection's.
TRUSTED_PROXIES ?=
comma := ,
hash := \#
REAL_IP = $(if $(strip $(TRUSTED_PROXIES)),$(foreach p,$(subst $(comma), ,$(TRUSTED_PROXIES)),set_real_ip_from $(p);) real_ip_header X-Forwarded-For; real_ip_recursive on;,$(hash) no TRUSTED_PROXIES at make install: the client address is the connection)
# @NAME@ in templates/system/* and nginx/gatehouse-*.conf.in; a placeholder left over stops the install.
RENDER = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SHAREDIR@|$(SHAREDIR)|g' \
             -e 's|@HOME@|$(SHAREDIR)|g' -e 's|@STATIC@|$(SHAREDIR)/nginx/static|g' -e 's|@CONFDIR@|$(CONFDIR)|g' \
             -e 's|@VAR@|$(STATEDIR)|g' -e 's|@SOCKET@|$(SOCKET)|g' -e 's|@MEMCACHED_SOCKET@|$(MEMCACHED_SOCKET)|g' \
             -e 's|@SNIPPETS@|$(SHAREDIR)/nginx|g' -e 's|@LIMIT_REQ@|limit_req zone=gatehouse_flood burst=60 nodelay;|g' \
             -e 's|@REAL_IP@|$(REAL_IP)|g'
SHARE_FILES := $(filter-out templates/system/%,$(shell find templates -type f)) db/migrations/*.sql \
               db/common-passwords.txt db/common-passwords.README nginx/static nginx/errors \
               nginx/fastcgi_params nginx/security_headers.conf nginx/security_headers_docs.conf README.md \
               $(MO_FILES)
SNIPPETS    := $(wildcard nginx/gatehouse-*.conf nginx/gatehouse-*.conf.in)
SYSTEMD_ON   = [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]

install: $(BUILD)/gatehouse $(MO_FILES)
	@set -euo pipefail; d='$(DESTDIR)'; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	case '$(SHAREDIR)' in /*/gatehouse) ;; *) echo "SHAREDIR must be an absolute path ending in /gatehouse" >&2; exit 1;; esac; \
	render() { $(RENDER) "$$1" > "$$2"; if grep -n '@[A-Z_][A-Z_]*@' "$$2" >&2; then echo "$$1: a placeholder make install does not know (Makefile RENDER)" >&2; exit 1; fi; }; \
	if [ -z "$$d" ] && ! getent passwd gatehouse >/dev/null; then \
	  echo "adding the system user gatehouse"; \
	  useradd --system --user-group --home-dir $(STATEDIR) --no-create-home --shell /usr/sbin/nologin \
	          --comment "Gatehouse accounts service" gatehouse; \
	fi; \
	install -D -m 0755 $(BUILD)/gatehouse "$$d$(BINDIR)/gatehouse"; \
	rm -rf "$$d$(SHAREDIR)"; install -d -m 0755 "$$d$(SHAREDIR)/nginx"; \
	tar -cf - $(SHARE_FILES) | tar -xf - --no-same-owner -C "$$d$(SHAREDIR)"; \
	for f in $(SNIPPETS); do \
	  case $$f in *.in) render "$$f" "$$tmp/snippet"; install -m 0644 "$$tmp/snippet" "$$d$(SHAREDIR)/$${f%.in}";; \
	              *) install -m 0644 "$$f" "$$d$(SHAREDIR)/$$f";; esac; \
	done; \
	find "$$d$(SHAREDIR)" -type d -exec chmod 0755 {} + ; find "$$d$(SHAREDIR)" -type f -exec chmod 0644 {} + ; \
	for unit in gatehouse gatehouse-memcached; do \
	  render templates/system/$$unit.service.in "$$tmp/$$unit.service"; \
	  install -D -m 0644 "$$tmp/$$unit.service" "$$d$(UNITDIR)/$$unit.service"; \
	done; \
	install -D -m 0644 templates/system/gatehouse.sysusers "$$d$(SYSUSERSDIR)/gatehouse.conf"; \
	install -D -m 0644 templates/system/gatehouse.logrotate "$$d$(LOGROTATEDIR)/gatehouse"; \
	render templates/system/gatehouse.conf.in "$$tmp/gatehouse.conf"; \
	conf="$$d$(CONFDIR)/gatehouse.conf"; install -d -m 0755 "$$d$(CONFDIR)"; \
	if [ -e "$$conf" ] && ! cmp -s "$$tmp/gatehouse.conf" "$$conf"; then \
	  install -m 0640 "$$tmp/gatehouse.conf" "$$conf.dist"; \
	  echo "kept your $$conf; the new one is $$conf.dist"; \
	else \
	  install -m 0640 "$$tmp/gatehouse.conf" "$$conf"; rm -f "$$conf.dist"; \
	fi; \
	[ -z "$$d" ] && chgrp gatehouse "$$conf" "$$conf.dist" 2>/dev/null || true; \
	if $(SYSTEMD_ON); then systemctl daemon-reload; fi; \
	echo "installed Gatehouse in $$d$(PREFIX); next: systemctl enable --now gatehouse-memcached gatehouse"

# Removes what install put there; never $(STATEDIR), the gatehouse user (whose files stay there), nor
# a gatehouse.conf that differs from the one install wrote.
uninstall:
	@set -euo pipefail; d='$(DESTDIR)'; tmp=$$(mktemp); trap 'rm -f "$$tmp"' EXIT; \
	case '$(SHAREDIR)' in /*/gatehouse) ;; *) echo "SHAREDIR must be an absolute path ending in /gatehouse" >&2; exit 1;; esac; \
	if $(SYSTEMD_ON); then systemctl disable --now gatehouse.service gatehouse-memcached.service 2>/dev/null || true; fi; \
	rm -f "$$d$(BINDIR)/gatehouse" "$$d$(UNITDIR)/gatehouse.service" "$$d$(UNITDIR)/gatehouse-memcached.service" \
	      "$$d$(SYSUSERSDIR)/gatehouse.conf" "$$d$(LOGROTATEDIR)/gatehouse" "$$d$(CONFDIR)/gatehouse.conf.dist"; \
	rm -rf "$$d$(SHAREDIR)"; \
	conf="$$d$(CONFDIR)/gatehouse.conf"; $(RENDER) templates/system/gatehouse.conf.in > "$$tmp"; \
	if [ -e "$$conf" ]; then \
	  if cmp -s "$$tmp" "$$conf"; then rm -f "$$conf"; else echo "kept $$conf (changed)"; fi; \
	fi; \
	rmdir "$$d$(CONFDIR)" 2>/dev/null || true; \
	if $(SYSTEMD_ON); then systemctl daemon-reload; fi; \
	echo "uninstalled; kept $(STATEDIR) and the gatehouse user (userdel gatehouse, rm -r $(STATEDIR) to drop them)"

# ---- Fuzzing (libFuzzer): `make fuzz` builds tests/fuzz/*.cpp against the library compiled again with
# clang, coverage and ASan + UBSan in $(FUZZ_BUILD), then runs each target FUZZ_SECONDS on its corpus.
# clang-16: Debian 12's clang 14 cannot compile std::expected (no P0848). clang 16 can, but still says
# __cpp_concepts 201907, which hides libstdc++ 12's <expected>: hence the -D. Not part of `make test`.
FUZZ_BUILD    ?= build-fuzz
FUZZ_CXX      ?= clang++-16
FUZZ_SECONDS  ?= 30
FUZZ_PACKAGES := clang-16 libclang-rt-16-dev
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CXXFLAGS  = -std=c++2b -D__cpp_concepts=202002L -Wno-macro-redefined -g -O1 -MMD -MP \
                 -fsanitize=fuzzer-no-link $(FUZZ_SAN) -Iinclude $(GMIME_CFLAGS) $(PQ_CFLAGS)
FUZZ_TARGETS  := $(notdir $(basename $(wildcard tests/fuzz/fuzz_*.cpp)))
FUZZ_LIB_OBJ  := $(LIB_SRC:%.cpp=$(FUZZ_BUILD)/%.o)
FUZZ_BINS     := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)
.PHONY: $(FUZZ_TARGETS:%=fuzz-run-%)

fuzz-deps: deps
	@missing=$$(for p in $(FUZZ_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:" $$missing; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    case " $$missing " in *" postgresql "*) mkdir -p /etc/postgresql-common/createcluster.d && \
	      echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/gatehouse-tests.conf;; esac; \
	    apt-get update -q && apt-get install -y -q --no-install-recommends $$missing; \
	  else echo "missing Debian packages (install as root): $$missing" >&2; exit 1; fi; \
	fi

$(FUZZ_BUILD)/src/core/image.o: FUZZ_CXXFLAGS += $(VIPS_CFLAGS)
$(FUZZ_BUILD)/%.o: %.cpp | fuzz-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -c $< -o $@

$(FUZZ_BUILD)/libgatehouse.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_BINS): $(FUZZ_BUILD)/%: $(FUZZ_BUILD)/tests/fuzz/%.o $(FUZZ_BUILD)/libgatehouse.a
	$(FUZZ_CXX) -fsanitize=fuzzer $(FUZZ_SAN) $^ -o $@ $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

# Two at a time (one per core). New inputs go to $(FUZZ_BUILD)/corpus/<target> (the repo's seeds are read
# only), crashes to $(FUZZ_BUILD)/artifacts/; the log of a failed run is printed.
fuzz: $(FUZZ_TARGETS:%=fuzz-run-%)

$(FUZZ_TARGETS:%=fuzz-run-%): fuzz-run-%: $(FUZZ_BUILD)/%
	@mkdir -p $(FUZZ_BUILD)/corpus/$* $(FUZZ_BUILD)/artifacts
	@echo "fuzzing $* for $(FUZZ_SECONDS)s (log: $(FUZZ_BUILD)/$*.log)"
	@dict=; [ -f tests/fuzz/$*.dict ] && dict=-dict=tests/fuzz/$*.dict; \
	if $(FUZZ_BUILD)/$* -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 -print_final_stats=1 \
	      -artifact_prefix=$(FUZZ_BUILD)/artifacts/$*- $$dict \
	      $(FUZZ_BUILD)/corpus/$* tests/fuzz/corpus/$* > $(FUZZ_BUILD)/$*.log 2>&1; then \
	  echo "$*: ok, $$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' $(FUZZ_BUILD)/$*.log | grep -o '[0-9]*$$') runs"; \
	else tail -n 60 $(FUZZ_BUILD)/$*.log; echo "$*: FAILED (input in $(FUZZ_BUILD)/artifacts/)" >&2; exit 1; fi

-include $(LIB_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(E2E_OBJ:.o=.d) $(BUILD)/src/main.d $(BUILD)/tests/apps/fcgi_app.d $(BUILD)/tests/bench/hash_speed.d
-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/tests/fuzz/%.d)
