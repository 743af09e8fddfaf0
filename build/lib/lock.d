build/lib/lock.o: lib/lock.c lib/error.h lib/lock.h lib/repo.h \
 lib/strbuf.h
lib/error.h:
lib/lock.h:
lib/repo.h:
lib/strbuf.h:
