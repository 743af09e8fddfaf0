build/lib/copy.o: lib/copy.c lib/copy.h lib/error.h lib/repo.h \
 lib/strbuf.h
lib/copy.h:
lib/error.h:
lib/repo.h:
lib/strbuf.h:
