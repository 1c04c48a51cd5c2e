/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab, whole: every header of lib/lab/ (see base.h for the overview). */
#ifndef SMTPSH_LAB_H
#define SMTPSH_LAB_H

#include "lab/base.h"
#include "lab/certs.h"
#include "lab/class.h"
#include "lab/domains.h"
#include "lab/engine.h"
#include "lab/faults.h"
#include "lab/persona.h"
#include "lab/pop3.h"
#include "lab/sasl_server.h"
#include "lab/server.h"
#include "lab/smtp.h"
#include "lab/store.h"
#include "lab/stuffer.h"
#include "lab/users.h"

#endif
