build/lib/proc.o: lib/proc.c lib/error.h lib/proc.h lib/task.h \
 lib/strvec.h lib/strbuf.h
lib/error.h:
lib/proc.h:
lib/task.h:
lib/strvec.h:
lib/strbuf.h:
