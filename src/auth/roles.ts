// Roles, the scopes a role is granted over, and what each capability needs: the one place the
// access rules are written down. Routes name a capability (routes.ts); scope.ts decides whether a
// user's grants cover it for a body.
//
// A grant is one role over one scope:
//   registrar, reviewer   a body (they act for it: its register, its drafts and filings)
//   superior              a region: a division-code prefix (e.g. 3201 for 南京市) and/or a parent
//                         body (the body, the departments of its region, every body below it); it
//                         sees the reports and counts of every body there, the applicants' personal
//                         data only when the grant says so (`personal_data`)
//   admin, researcher     no scope: admin manages accounts and reads the audit log (and sees no
//                         body's data by being admin); researcher reads the corpus only

export const ROLES = ['registrar', 'reviewer', 'superior', 'admin', 'researcher'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, { zh: string; en: string }> = {
  registrar: { zh: '登记人员', en: 'registrar' },
  reviewer: { zh: '审核人员', en: 'reviewer' },
  superior: { zh: '上级审核', en: 'superior reviewer' },
  admin: { zh: '管理员', en: 'administrator' },
  researcher: { zh: '研究人员', en: 'researcher (read-only)' },
};

export const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);

/** Which scope a role's grant is over. */
export const ROLE_SCOPE: Record<Role, 'body' | 'region' | 'none'> = {
  registrar: 'body',
  reviewer: 'body',
  superior: 'region',
  admin: 'none',
  researcher: 'none',
};

export interface Capability {
  /** Roles that have it (within their scope). */
  roles: readonly Role[];
  /** 'global': not about one body; 'body': the route names a body and the grant must cover it. */
  scope: 'global' | 'body';
  /** Applicants' personal data: a superior's grant covers it only with `personal_data`. */
  personal?: boolean;
  zh: string;
  en: string;
}

export const CAPABILITIES = {
  'users.manage': { roles: ['admin'], scope: 'global', zh: '管理用户', en: 'manage users' },
  'audit.read': { roles: ['admin'], scope: 'global', zh: '查看审计日志', en: 'read the audit log' },
  'body.view': { roles: ['registrar', 'reviewer', 'superior'], scope: 'body', zh: '查看本机关工作区', en: "see the body's workspace" },
  'register.read': { roles: ['registrar', 'superior'], scope: 'body', personal: true, zh: '查看依申请公开登记', en: 'read the request register' },
  'register.write': { roles: ['registrar'], scope: 'body', personal: true, zh: '修改依申请公开登记', en: 'change the request register' },
  'register.export': { roles: ['registrar', 'superior'], scope: 'body', personal: true, zh: '导出依申请公开登记', en: 'export the request register' },
  'register.counts': { roles: ['registrar', 'reviewer', 'superior'], scope: 'body', zh: '查看登记统计', en: 'see the register counts' },
  'drafts.read': { roles: ['reviewer', 'superior'], scope: 'body', zh: '查看年度报告草稿', en: 'read report drafts' },
  'drafts.write': { roles: ['reviewer'], scope: 'body', zh: '编写和报送年度报告', en: 'write and file reports' },
} as const satisfies Record<string, Capability>;

export type CapabilityKey = keyof typeof CAPABILITIES;

export const roleText = (r: Role) => `${ROLE_LABELS[r].zh} (${ROLE_LABELS[r].en})`;
