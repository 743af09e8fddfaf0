# The fuzz harnesses of t/fuzz (included by the Makefile).
#
#   make fuzz FUZZ_SECONDS=<n>   build each harness with clang and libFuzzer
#                                (ASan, UBSan) in build-fuzz/ and run it n
#                                seconds (default 60); fails on any crash,
#                                leak, timeout or disagreement
#
# Each harness is also linked with t/fuzz/corpus-main.c, without
# libFuzzer, into a program that runs it over its committed corpus:
# `make test` runs those with the other unit programs.

FUZZ_NAMES := domain manifest state config index
FUZZ_RUNNERS := $(FUZZ_NAMES:%=$(BUILD)/t/fuzz/fuzz-%)
FUZZ_TARGETS := $(FUZZ_NAMES:%=$(BUILD)/t/fuzz/fuzzer-%)
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
# libFuzzer's limits: one input may take 10 s (the machines are loaded),
# 2 GB in all
FUZZ_OPTS ?= -timeout=10 -rss_limit_mb=2048 -print_final_stats=1

$(BUILD)/t/fuzz/corpus-main.o: ALL_CFLAGS += \
	-DFUZZ_CORPUS_DIR='"$(CURDIR)/t/fuzz/corpus"'

$(BUILD)/t/fuzz/fuzz-%: $(BUILD)/t/fuzz/fuzz-%.o $(BUILD)/t/fuzz/fuzz-util.o \
		$(BUILD)/t/fuzz/corpus-main.o $(LIBPARA) $(LIBUTIL)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS)

$(BUILD)/t/fuzz/fuzzer-%: $(BUILD)/t/fuzz/fuzz-%.o $(BUILD)/t/fuzz/fuzz-util.o \
		$(LIBPARA) $(LIBUTIL)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(DEP_LIBS)

fuzz-targets: $(FUZZ_TARGETS)

# the library built again with coverage for libFuzzer; new inputs go to
# build-fuzz/corpus/<name>, the committed corpus is only read
fuzz:
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=$(FUZZ_CC) \
		OPTFLAGS='-O1 -g -fno-omit-frame-pointer' \
		SANFLAGS='-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined' \
		fuzz-targets
	@set -e; for n in $(FUZZ_NAMES); do \
		mkdir -p build-fuzz/corpus/$$n build-fuzz/artifacts; \
		echo "    FUZZ $$n $(FUZZ_SECONDS)s"; \
		build-fuzz/t/fuzz/fuzzer-$$n $(FUZZ_OPTS) \
			-max_total_time=$(FUZZ_SECONDS) \
			-dict=t/fuzz/$$n.dict \
			-artifact_prefix=build-fuzz/artifacts/$$n- \
			build-fuzz/corpus/$$n t/fuzz/corpus/$$n \
			2>build-fuzz/$$n.log || \
		{ tail -n 60 build-fuzz/$$n.log; \
		  echo "fuzz: $$n failed, see build-fuzz/$$n.log and build-fuzz/artifacts"; \
		  exit 1; }; \
		grep -E '^stat::number_of_executed_units|^stat::average_exec_per_sec|^stat::peak_rss_mb' \
			build-fuzz/$$n.log | sed 's/^/        /'; \
	done

.PHONY: fuzz fuzz-targets
