#ifndef PARA_FUZZ_H
#define PARA_FUZZ_H

/*
 * What every harness of t/fuzz shares.  A harness defines
 * LLVMFuzzerTestOneInput(); built with clang's -fsanitize=fuzzer it is a
 * libFuzzer target (`make fuzz`), built with corpus-main.c it is a
 * plain program that feeds it each file of its committed corpus (run by
 * `make test`).
 */

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A disagreement between two things that must agree: prints what and
 * aborts, so that libFuzzer keeps the input and the corpus runner fails.
 */
void fuzz_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/*
 * Writes `data` to a scratch file of this process (on /dev/shm when it
 * exists) and returns its path, the same for every call.
 */
const char *fuzz_scratch_file(const uint8_t *data, size_t size);

#endif
