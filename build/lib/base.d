build/lib/base.o: lib/base.c lib/base.h lib/config.h lib/repo.h \
 lib/strvec.h lib/error.h lib/strbuf.h
lib/base.h:
lib/config.h:
lib/repo.h:
lib/strvec.h:
lib/error.h:
lib/strbuf.h:
