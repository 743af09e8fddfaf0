# git-para build
#
#   make                 build lib/libpara.a and the programs
#   make test            run the shell tests and the unit tests under prove
#   make test SANITIZE=1 the same, built with ASan and UBSan
#   make fuzz            run the fuzz harnesses of t/fuzz (t/fuzz/fuzz.mk)
#   make test-slurm      the tests on a one-node Slurm cluster (root)
#   make install         install programs, man pages and completion
#   make uninstall       remove what make install installed
#   make doc             build the man pages
#   make demo            run the whole workflow on a throwaway repository
#   make deps            install the Debian packages the build needs

prefix ?= /usr/local
bindir ?= $(prefix)/bin
datadir ?= $(prefix)/share
mandir ?= $(datadir)/man
man1dir ?= $(mandir)/man1
completiondir ?= $(datadir)/bash-completion/completions
zshcompletiondir ?= $(datadir)/zsh/site-functions
agentsdir ?= $(datadir)/git-para/agents
DESTDIR ?=

VERSION = 0.1.0

CC ?= cc
PKG_CONFIG ?= pkg-config
INSTALL ?= install
PROVE ?= prove
ASCIIDOCTOR ?= asciidoctor

OPTFLAGS ?= -O2 -g
WARNFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes \
	-Wstrict-prototypes -Wshadow -Wformat=2
DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags libgit2 libpcre2-8 2>/dev/null) \
	-I/usr/include/iniparser
DEP_LIBS := $(shell $(PKG_CONFIG) --libs libgit2 libpcre2-8 2>/dev/null) \
	-liniparser -lm

ifdef SANITIZE
OPTFLAGS = -O1 -g -fno-omit-frame-pointer
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined
BUILD = build-sanitize
else
BUILD = build
endif

ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(OPTFLAGS) $(WARNFLAGS) $(SANFLAGS) $(DEP_CFLAGS) \
	-Ilib -Ilib/util -Icmd -DPARA_VERSION='"$(VERSION)"' -MMD -MP $(CFLAGS)
# lib/util is the ground floor: it sees only its own headers and no
# library's, so that nothing in it can reach up into lib/
UTIL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(OPTFLAGS) $(WARNFLAGS) $(SANFLAGS) \
	-Ilib/util -MMD -MP $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) -Wl,--as-needed $(LDFLAGS)

ifndef V
QUIET_CC = @echo '   ' CC $@;
QUIET_AR = @echo '   ' AR $@;
QUIET_LINK = @echo '   ' LINK $@;
QUIET_DOC = @echo '   ' DOC $@;
endif

LIB_SRC := $(sort $(wildcard lib/*.c))
UTIL_SRC := $(sort $(wildcard lib/util/*.c))
# shared command-line code, in an archive so that each program links only
# what it uses (the dispatcher then needs no libgit2)
CMD_COMMON_SRC := cmd/usage.c cmd/parse-options.c \
	$(filter-out cmd/para.c cmd/para-%.c cmd/common-main.c cmd/usage.c \
	cmd/parse-options.c,$(wildcard cmd/*.c))
PROGRAM_SRC := cmd/para.c $(sort $(wildcard cmd/para-*.c))
PROGRAMS := $(patsubst cmd/para%.c,$(BUILD)/bin/git-para%,$(PROGRAM_SRC))
UNIT_SRC := $(sort $(wildcard t/unit/test-*.c))
UNIT_TESTS := $(patsubst t/unit/%.c,$(BUILD)/t/unit/%,$(UNIT_SRC))
# what the unit programs share
UNIT_LIB := $(BUILD)/t/unit/lib-unit.o
SHELL_TESTS := $(sort $(wildcard t/t[0-9][0-9][0-9][0-9]-*.sh))
DOC_SRC := $(sort $(wildcard Documentation/git-para*.adoc))
MAN_PAGES := $(patsubst Documentation/%.adoc,$(BUILD)/man/%.1,$(DOC_SRC))

LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC))
UTIL_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(UTIL_SRC))
LIBUTIL := $(BUILD)/lib/util/libparautil.a
CMD_COMMON_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(CMD_COMMON_SRC))
LIBCMD := $(BUILD)/cmd/libcmd.a
MAIN_OBJ := $(BUILD)/cmd/common-main.o
LIBPARA := $(BUILD)/lib/libpara.a

all: $(PROGRAMS)

include t/fuzz/fuzz.mk

# the objects are not intermediate: keep them, so that a later make (the
# install test) does not rebuild them while another make links
.SECONDARY:

lib/libpara.a: $(LIBPARA)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/lib/util/%.o: lib/util/%.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(UTIL_CFLAGS) -c -o $@ $<

$(LIBUTIL): $(UTIL_OBJ)
	$(QUIET_AR)rm -f $@ && $(AR) rcs $@ $^

$(LIBPARA): $(LIB_OBJ)
	$(QUIET_AR)rm -f $@ && $(AR) rcs $@ $^

$(LIBCMD): $(CMD_COMMON_OBJ)
	$(QUIET_AR)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/bin/git-para-%: $(BUILD)/cmd/para-%.o $(MAIN_OBJ) $(LIBCMD) $(LIBPARA) $(LIBUTIL)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS)

$(BUILD)/bin/git-para: $(BUILD)/cmd/para.o $(MAIN_OBJ) $(LIBCMD) $(LIBPARA) $(LIBUTIL)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS)

$(BUILD)/t/unit/%: t/unit/%.c $(UNIT_LIB) $(LIBPARA) $(LIBUTIL)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(UNIT_LIB) $(LIBPARA) $(LIBUTIL) \
		$(DEP_LIBS) $$($(PKG_CONFIG) --libs cmocka)

units: $(UNIT_TESTS) $(FUZZ_RUNNERS)

# prove runs the shell tests and the unit programs (cmocka speaks TAP)
test: all units
	@cd t && PARA_BUILD_DIR='$(CURDIR)/$(BUILD)' CMOCKA_MESSAGE_OUTPUT=TAP \
		$(PROVE) $(PROVE_OPTS) $(SHELL_TESTS:t/%=%) $(UNIT_TESTS:%=../%) \
		$(FUZZ_RUNNERS:%=../%)

# the tests that bring up a one-node Slurm cluster (t/lib-slurm.sh), which
# `make test` skips unless PARA_TEST_SLURM or PARA_REQUIRE_SLURM is set
SLURM_TESTS := $(sort $(wildcard t/t21[0-9][0-9]-slurm-*.sh))
test-slurm: all
	@cd t && PARA_BUILD_DIR='$(CURDIR)/$(BUILD)' PARA_REQUIRE_SLURM=1 \
		$(PROVE) $(PROVE_OPTS) $(SLURM_TESTS:t/%=%)

doc: $(MAN_PAGES)

DOC_INCLUDES := $(wildcard Documentation/config/*.adoc Documentation/includes/*.adoc)

$(BUILD)/man/%.1: Documentation/%.adoc $(DOC_INCLUDES)
	@mkdir -p $(dir $@)
	$(QUIET_DOC)$(ASCIIDOCTOR) -b manpage -d manpage -a mansource=git-para \
		-a manversion=$(VERSION) -a manmanual='Git Para Manual' \
		--failure-level=WARN -o $@ $<

install: install-bin install-doc install-completion install-agents

install-bin: all
	$(INSTALL) -d '$(DESTDIR)$(bindir)'
	$(INSTALL) -m 755 $(PROGRAMS) '$(DESTDIR)$(bindir)'

install-doc: doc
	$(INSTALL) -d '$(DESTDIR)$(man1dir)'
	$(INSTALL) -m 644 $(MAN_PAGES) '$(DESTDIR)$(man1dir)'

install-completion:
	$(INSTALL) -d '$(DESTDIR)$(completiondir)' '$(DESTDIR)$(zshcompletiondir)'
	$(INSTALL) -m 644 contrib/completion/git-para.bash \
		'$(DESTDIR)$(completiondir)/git-para'
	$(INSTALL) -m 644 contrib/completion/_git-para \
		'$(DESTDIR)$(zshcompletiondir)/_git-para'

AGENTS := para-agent-prompt claude-code codex aider example-agent

install-agents:
	$(INSTALL) -d '$(DESTDIR)$(agentsdir)'
	$(INSTALL) -m 755 $(addprefix contrib/agents/,$(AGENTS)) \
		'$(DESTDIR)$(agentsdir)'

uninstall:
	rm -f $(patsubst $(BUILD)/bin/%,'$(DESTDIR)$(bindir)/%',$(PROGRAMS)) \
		$(patsubst $(BUILD)/man/%,'$(DESTDIR)$(man1dir)/%',$(MAN_PAGES)) \
		'$(DESTDIR)$(completiondir)/git-para' \
		'$(DESTDIR)$(zshcompletiondir)/_git-para' \
		$(patsubst %,'$(DESTDIR)$(agentsdir)/%',$(AGENTS))
	rmdir '$(DESTDIR)$(agentsdir)' '$(DESTDIR)$(datadir)/git-para' 2>/dev/null || :

# the whole workflow on a throwaway repository, with the example agent
demo:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	@sh contrib/demo.sh '$(CURDIR)/$(BUILD)/bin'

deps:
	@sh contrib/install-deps.sh

clean:
	rm -rf build build-sanitize build-fuzz t/test-results t/trash\ directory.*

.PHONY: all units test test-slurm doc install install-bin install-doc install-completion \
	install-agents uninstall demo deps clean

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
