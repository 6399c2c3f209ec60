import { Injectable } from '@nestjs/common';

/** The time, injectable so that tests can move it (session lifetimes, token expiry). */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
