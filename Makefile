# ltsnap - see README.md. `make` builds build/ltsnap; `make check` runs every test.

PKGS := libcurl libcrypto libcjson expat
PKG_CONFIG ?= pkg-config

CC ?= cc
CFLAGS ?= -O2 -g
WARNINGS := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wold-style-definition -Wvla -Wwrite-strings -Wformat=2 \
	-Wpointer-arith -Wcast-qual
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif
ifneq ($(SANITIZE),)
CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS))
# libcsv ships no pkg-config file.
LIBS := $(PKG_LIBS) -lcsv -lm

ALL_CPPFLAGS := -Isrc -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(CPPFLAGS)
ALL_CFLAGS := $(WARNINGS) $(PKG_CFLAGS) $(CFLAGS)

# make install: the binary, the Cypher templates and ltsnap(1). An installed ltsnap finds its
# templates in ../share/ltsnap/templates beside the executable, so BINDIR and DATADIR keep that
# relation unless LTSNAP_TEMPLATES or --templates will name the templates at run time.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/ltsnap
MANDIR ?= $(PREFIX)/share/man
TEMPLATES := $(sort $(wildcard templates/*.cypher))

# B: output directory. LIB_FILTER: pattern(s) restricting which library sources
# are built (for working on one module while others are unfinished).
B ?= build
LIB_FILTER ?= %
LIB_SRC := $(sort $(filter $(LIB_FILTER),$(filter-out src/main.c,$(wildcard src/*/*.c))))
LIB_OBJ := $(LIB_SRC:src/%.c=$(B)/obj/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
TEST_LIB_SRC := $(sort $(wildcard tests/lib/*.c))
TEST_LIB_OBJ := $(TEST_LIB_SRC:tests/lib/%.c=$(B)/tests/lib/%.o)

.PHONY: all check unit golden e2e lint lint-cypher golden-update bench clean install uninstall \
	valgrind fuzz check-sanitize

all: $(B)/ltsnap

$(B)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/libltsnap.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/ltsnap: $(B)/obj/main.o $(B)/libltsnap.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/tests/lib/%.o: tests/lib/%.c $(wildcard tests/lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) -Itests/lib $(ALL_CFLAGS) -c -o $@ $<

$(B)/tests/test_%: tests/unit/test_%.c $(TEST_LIB_OBJ) $(B)/libltsnap.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) -Itests/lib $(ALL_CFLAGS) $(LDFLAGS) -MMD -MP -o $@ $< \
		$(TEST_LIB_OBJ) $(B)/libltsnap.a $(LIBS)

# test_snapshot counts the model reads a snapshot costs: ld's --wrap sends every call the library
# makes to model_read_node and model_read_rel through the test's own counting functions first.
$(B)/tests/test_snapshot: LDFLAGS += -Wl,--wrap=model_read_node -Wl,--wrap=model_read_rel

unit: $(UNIT_BIN)
	@tests/lib/run-unit $(UNIT_BIN)

golden: $(B)/ltsnap
	@tests/golden/run
	@tests/golden/diff/run

# The fault-injection shim used by the e2e tests (never linked into ltsnap).
$(B)/tests/inject.so: tests/inject/inject.c
	@mkdir -p $(dir $@)
	$(CC) -shared -fPIC $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< -ldl

e2e: $(B)/ltsnap $(B)/tests/inject.so
	@tests/e2e/run

lint-cypher: $(B)/ltsnap
	@tests/lib/lint-all-cypher

# The stages run one after another, even under -j: the Cypher lint reads what the others wrote.
check: all $(UNIT_BIN) $(B)/tests/inject.so
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory golden
	@$(MAKE) --no-print-directory e2e
	@$(MAKE) --no-print-directory lint-cypher
	@$(MAKE) --no-print-directory lint

golden-update: $(B)/ltsnap
	@tests/golden/run --update
	@tests/golden/diff/run --update

lint:
	@scripts/lint

# BENCH_ARGS: options of scripts/bench (--templates N, --versions V,V, --no-baseline, ...).
bench: $(B)/ltsnap $(B)/bench/cjson_parse $(B)/bench/output_floor
	@B=$(B) scripts/bench $(BENCH_ARGS)

# The floors under convert (scripts/bench runs them): cJSON's parser alone over the same
# pages, and putting the snapshot's bytes on disk through the same writer.
$(B)/bench/%: tests/bench/%.c $(B)/libltsnap.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libltsnap.a $(LIBS)

FUZZ_SECONDS ?= 60
fuzz:
	@scripts/fuzz $(FUZZ_SECONDS)

# The whole suite (unit, golden, e2e, Cypher lint) built with AddressSanitizer (leaks included)
# and UndefinedBehaviorSanitizer, in its own build directory. A sanitizer report ends the
# process with status 99, which no test accepts (ltsnap's own statuses are 0-4).
SAN_B ?= build-san
SAN_ENV := ASAN_OPTIONS=exitcode=99:detect_leaks=1:strict_string_checks=1:check_initialization_order=1:detect_stack_use_after_return=1:verify_asan_link_order=0 \
	UBSAN_OPTIONS=exitcode=99:halt_on_error=1:print_stacktrace=1 \
	LSAN_OPTIONS=exitcode=99
check-sanitize:
	@$(SAN_ENV) $(MAKE) --no-print-directory B=$(SAN_B) SANITIZE=address,undefined check

# Unit, golden and end-to-end tests with every ltsnap and test program under valgrind memcheck:
# any error or definite/indirect leak fails the test (tests/lib/valgrind holds the options).
valgrind: all $(UNIT_BIN) $(B)/tests/inject.so
	@LT_VALGRIND=1 tests/lib/run-unit $(UNIT_BIN)
	@LT_VALGRIND=1 tests/golden/run
	@LT_VALGRIND=1 tests/golden/diff/run
	@LT_VALGRIND=1 tests/e2e/run

install: $(B)/ltsnap
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(DATADIR)/templates" "$(DESTDIR)$(MANDIR)/man1"
	install -m 755 $(B)/ltsnap "$(DESTDIR)$(BINDIR)/ltsnap"
	install -m 644 $(TEMPLATES) "$(DESTDIR)$(DATADIR)/templates/"
	install -m 644 docs/ltsnap.1 "$(DESTDIR)$(MANDIR)/man1/ltsnap.1"
ifneq ($(abspath $(BINDIR)/../share/ltsnap),$(abspath $(DATADIR)))
	@echo "note: ltsnap looks for its templates in $(abspath $(BINDIR)/../share/ltsnap)/templates;"
	@echo "note: set LTSNAP_TEMPLATES=$(DATADIR)/templates (or pass --templates) to use these"
endif

# Removes what install put there, then share/ltsnap's directories if that left them empty.
uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/ltsnap" "$(DESTDIR)$(MANDIR)/man1/ltsnap.1"
	rm -f $(addprefix "$(DESTDIR)$(DATADIR)/templates/,$(addsuffix ",$(notdir $(TEMPLATES))))
	@for d in "$(DESTDIR)$(DATADIR)/templates" "$(DESTDIR)$(DATADIR)"; do \
		if [ -d "$$d" ] && [ -z "$$(ls -A "$$d")" ]; then echo "rmdir $$d"; rmdir "$$d" || exit 1; fi; \
	done

clean:
	rm -rf build build-san build-fuzz

-include $(LIB_OBJ:.o=.d) $(B)/obj/main.d $(UNIT_BIN:=.d)
