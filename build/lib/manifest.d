build/lib/manifest.o: lib/manifest.c /usr/include/iniparser/iniparser.h \
 /usr/include/iniparser/dictionary.h lib/error.h lib/manifest.h \
 lib/strvec.h lib/strbuf.h
/usr/include/iniparser/iniparser.h:
/usr/include/iniparser/dictionary.h:
lib/error.h:
lib/manifest.h:
lib/strvec.h:
lib/strbuf.h:
