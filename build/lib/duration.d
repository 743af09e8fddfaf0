build/lib/duration.o: lib/duration.c lib/duration.h lib/error.h
lib/duration.h:
lib/error.h:
