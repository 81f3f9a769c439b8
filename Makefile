# Gatehouse — build, run and test. `make run` and `make test` work on a fresh Debian 12 machine.
SHELL := /bin/bash
MAKEFLAGS += -j$(shell nproc)
.DEFAULT_GOAL := build

BUILD    ?= build
CXX      ?= g++
CXXFLAGS ?= -O2 -g
# GMime (MIME mail for the mailer) via pkg-config; deferred (=) so `make deps` can install it first.
GMIME_CFLAGS = $(shell pkg-config --cflags gmime-3.0)
GMIME_LIBS   = $(shell pkg-config --libs gmime-3.0)
CXXFLAGS += -std=c++2b -Wall -Wextra -Werror -Iinclude -MMD -MP -DBOOST_TEST_DYN_LINK $(GMIME_CFLAGS)
LDLIBS    = -lcjose -lphonenumber -lfcgi -lcgicc -lctemplate -lmemcached -lsqlite3 -lsodium -lssl -lcrypto -lpthread -lcurl $(GMIME_LIBS)

# Debian packages the build, the stack and the tests need (`make deps` installs the missing ones as root).
PACKAGES := g++ make pkg-config openssl ca-certificates procps \
            libfcgi-dev libcgicc-dev libssl-dev libsodium-dev libcjose-dev libphonenumber-dev \
            libsqlite3-dev sqlite3 libmemcached-dev libctemplate-dev nlohmann-json3-dev \
            libcurl4-openssl-dev libgmime-3.0-dev libboost-test-dev nginx memcached wrk curl \
            python3-jwt python3-jwcrypto

LIB_SRC   := $(filter-out src/main.cpp,$(wildcard src/*/*.cpp))
LIB_OBJ   := $(LIB_SRC:%.cpp=$(BUILD)/%.o)
UNIT_SRC  := $(wildcard tests/unit/*.cpp)
E2E_SRC   := $(wildcard tests/e2e/*.cpp)
UNIT_OBJ  := $(UNIT_SRC:%.cpp=$(BUILD)/%.o)
E2E_OBJ   := $(E2E_SRC:%.cpp=$(BUILD)/%.o)

.PHONY: build deps run test unit e2e bench walk clean
build: $(BUILD)/gatehouse

# Installing packages needs root; everyone else gets the list of what is missing.
deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:" $$missing; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -q && apt-get install -y -q --no-install-recommends $$missing; \
	  else echo "missing Debian packages (install as root): $$missing" >&2; exit 1; fi; \
	fi

# Every compile waits for the packages (order-only: it does not force rebuilds).
$(BUILD)/%.o: %.cpp | deps
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c $< -o $@

$(BUILD)/libgatehouse.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/gatehouse: $(BUILD)/src/main.o $(BUILD)/libgatehouse.a
	$(CXX) $(CXXFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/unit_tests: $(UNIT_OBJ) $(BUILD)/libgatehouse.a
	$(CXX) $(CXXFLAGS) $^ -o $@ $(LDLIBS) -lboost_unit_test_framework

$(BUILD)/e2e_tests: $(E2E_OBJ) $(BUILD)/libgatehouse.a
	$(CXX) $(CXXFLAGS) $^ -o $@ $(LDLIBS) -lcurl -lboost_unit_test_framework

# setpriv: when make itself is killed, the stack gets SIGTERM and stops in order.
run: build
	exec setpriv --pdeathsig TERM nginx/stack.sh

unit: $(BUILD)/unit_tests $(BUILD)/gatehouse
	tests/run-suite.sh $(BUILD)/unit_tests

e2e: $(BUILD)/e2e_tests $(BUILD)/gatehouse
	tests/run-suite.sh $(BUILD)/e2e_tests

# Units first, then the end-to-end suite against real nginx, memcached and SQLite.
test: $(BUILD)/gatehouse $(BUILD)/unit_tests $(BUILD)/e2e_tests
	tests/run-suite.sh $(BUILD)/unit_tests $(BUILD)/e2e_tests

bench: build
	tests/bench.sh

# A real browser (headless Chromium) through the main flows; not part of `make test`.
walk: build
	tests/browser/walk.sh

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(E2E_OBJ:.o=.d) $(BUILD)/src/main.d
