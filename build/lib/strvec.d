build/lib/strvec.o: lib/strvec.c lib/strbuf.h lib/strvec.h
lib/strbuf.h:
lib/strvec.h:
