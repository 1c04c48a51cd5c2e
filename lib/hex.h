/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The value of one hexadecimal digit: transcript escapes (\xHH),
 * quoted-printable (=HH), RFC 2047 Q words and RFC 2231 %HH all read it. */
#ifndef SMTPSH_HEX_H
#define SMTPSH_HEX_H

/* 0..15, or -1 when c is no hex digit (either case). */
static inline int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

#endif
