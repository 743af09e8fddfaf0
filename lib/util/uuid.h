#ifndef PARA_UUID_H
#define PARA_UUID_H

/* "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" and its NUL */
#define PARA_UUID_SIZE 37

/* A random (version 4) UUID in lower-case hex, into `out`. */
int para_uuid_make(char out[PARA_UUID_SIZE]);

#endif
