build/lib/task.o: lib/task.c lib/error.h lib/strbuf.h lib/task.h \
 lib/strvec.h
lib/error.h:
lib/strbuf.h:
lib/task.h:
lib/strvec.h:
