import type { Role } from "../../domain/user";

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export interface NewUser {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  role: Role;
}
