build/lib/repo.o: lib/repo.c lib/error.h lib/repo.h lib/strbuf.h
lib/error.h:
lib/repo.h:
lib/strbuf.h:
