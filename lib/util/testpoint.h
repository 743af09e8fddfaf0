#ifndef PARA_TESTPOINT_H
#define PARA_TESTPOINT_H

/*
 * Named steps where the test suite makes a command die or fail, the way
 * git's GIT_TEST_* variables let its tests reach paths that real life
 * reaches only by bad luck.  Only tests set these variables:
 *
 *   GIT_TEST_PARA_CRASH=<step>  the process kills itself with SIGKILL
 *                               when it reaches <step>
 *   GIT_TEST_PARA_FAIL=<step>   the operation at <step> fails as if the
 *                               disk were full
 */

/* Dies here if GIT_TEST_PARA_CRASH names `step`. */
void para_test_crash(const char *step);

/*
 * 0, or when GIT_TEST_PARA_FAIL names `step`, a negative error
 * ("No space left on device") for the caller to return.
 */
int para_test_fail(const char *step);

#endif
