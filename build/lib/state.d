build/lib/state.o: lib/state.c lib/error.h lib/state.h lib/lock.h \
 lib/strbuf.h lib/repo.h lib/task.h lib/strvec.h
lib/error.h:
lib/state.h:
lib/lock.h:
lib/strbuf.h:
lib/repo.h:
lib/task.h:
lib/strvec.h:
