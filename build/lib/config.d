build/lib/config.o: lib/config.c lib/config.h lib/repo.h lib/strvec.h \
 lib/duration.h lib/error.h lib/strbuf.h
lib/config.h:
lib/repo.h:
lib/strvec.h:
lib/duration.h:
lib/error.h:
lib/strbuf.h:
