build/lib/command.o: lib/command.c lib/command.h lib/strbuf.h \
 lib/strvec.h lib/error.h
lib/command.h:
lib/strbuf.h:
lib/strvec.h:
lib/error.h:
