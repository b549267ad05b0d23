#!/usr/bin/env python3
# Host-side reference model for src/isa.c: recomputes every group checksum from the
# RISC-V spec semantics (no emulator involved). Run: python3 isa-model.py
M=(1<<64)-1
def sx(v,b): v&=(1<<b)-1; return v-(1<<b) if v>>(b-1) else v
def u(v): return v&M
def s64(v): return sx(v,64)
def w(v): return u(sx(v,32))
class H:
    def __init__(s): s.h=0xcbf29ce484222325
    def mix(s,v):
        s.h^=u(v); s.h=(s.h*0x100000001b3)&M; s.h^=s.h>>29
E=[0,1,2,u(-1),u(-2),0x7fffffffffffffff,0x8000000000000000,0x7fffffff,0x80000000,0xffffffff,0xffffffff80000000,0x123456789abcdef0,0xfedcba9876543210,0x5555555555555555,31,63]
def tdiv(a,b):
    q=abs(a)//abs(b); return q if (a<0)==(b<0) else -q
def trem(a,b): return a-tdiv(a,b)*b
ops={
 'add':lambda a,b:u(a+b),'sub':lambda a,b:u(a-b),'slt':lambda a,b:int(s64(a)<s64(b)),'sltu':lambda a,b:int(a<b),
 'xor':lambda a,b:a^b,'or':lambda a,b:a|b,'and':lambda a,b:a&b,'addw':lambda a,b:w(a+b),'subw':lambda a,b:w(a-b),
 'sll':lambda a,b:u(a<<(b&63)),'srl':lambda a,b:a>>(b&63),'sra':lambda a,b:u(s64(a)>>(b&63)),
 'sllw':lambda a,b:w(a<<(b&31)),'srlw':lambda a,b:w((a&0xffffffff)>>(b&31)),'sraw':lambda a,b:w(sx(a,32)>>(b&31)),
 'mul':lambda a,b:u(a*b),'mulh':lambda a,b:u((s64(a)*s64(b))>>64),'mulhsu':lambda a,b:u((s64(a)*b)>>64),'mulhu':lambda a,b:(a*b)>>64,
 'div':lambda a,b:M if b==0 else (a if (s64(a)==-2**63 and s64(b)==-1) else u(tdiv(s64(a),s64(b)))),
 'divu':lambda a,b:M if b==0 else a//b,
 'rem':lambda a,b:a if b==0 else (0 if (s64(a)==-2**63 and s64(b)==-1) else u(trem(s64(a),s64(b)))),
 'remu':lambda a,b:a if b==0 else a%b,
 'mulw':lambda a,b:w(a*b),
 'divw':lambda a,b:M if b&0xffffffff==0 else (w(a) if (sx(a,32)==-2**31 and sx(b,32)==-1) else w(tdiv(sx(a,32),sx(b,32)))),
 'divuw':lambda a,b:M if b&0xffffffff==0 else w((a&0xffffffff)//(b&0xffffffff)),
 'remw':lambda a,b:w(a) if b&0xffffffff==0 else (0 if (sx(a,32)==-2**31 and sx(b,32)==-1) else w(trem(sx(a,32),sx(b,32)))),
 'remuw':lambda a,b:w(a) if b&0xffffffff==0 else w((a&0xffffffff)%(b&0xffffffff)),
}
def pairs(h,op):
    for a in E:
        for b in E: h.mix(ops[op](a,b))
# alu
h=H()
for op in ['add','sub','slt','sltu','xor','or','and','addw','subw']: pairs(h,op)
imms=[0,1,-1,2047,-2048,0x555,-0x556]
for a in E:
    for imm in imms: h.mix(u(a+imm))
    for imm in imms: h.mix(int(s64(a)<imm))
    for imm in imms: h.mix(int(a<u(imm)))
    for imm in imms: h.mix(a^u(imm))
    for imm in imms: h.mix(a|u(imm))
    for imm in imms: h.mix(a&u(imm))
    for imm in imms: h.mix(w(a+imm))
    for sh in [0,1,31,32,63]: h.mix(u(a<<sh))
    for sh in [0,1,31,32,63]: h.mix(a>>sh)
    for sh in [0,1,31,32,63]: h.mix(u(s64(a)>>sh))
    for sh in [0,1,16,31]: h.mix(w(a<<sh))
    for sh in [0,1,16,31]: h.mix(w((a&0xffffffff)>>sh))
    for sh in [0,1,16,31]: h.mix(w(sx(a,32)>>sh))
print('rv64i-alu %016x'%h.h)
h=H()
amt=[0,1,31,32,33,63,64,65,127,M]
for op in ['sll','srl','sra','sllw','srlw','sraw']:
    pairs(h,op)
    for a in E:
        for b in amt: h.mix(ops[op](a,b))
print('rv64i-shift %016x'%h.h)
h=H()
for imm in [0,1,0x7ffff,0x80000,0xfffff,0x12345]: h.mix(w(imm<<12))
h.mix(0x1004); h.mix(u(-0x1000+4))
print('rv64i-lui-auipc %016x'%h.h)
h=H()
for op in ['mul','mulh','mulhsu','mulhu','div','divu','rem','remu','mulw','divw','divuw','remw','remuw']: pairs(h,op)
print('rv64m %016x'%h.h)
h=H()
for a in E:
    for b in E:
        m=(a==b)|(a!=b)<<1|(s64(a)<s64(b))<<2|(s64(a)>=s64(b))<<3|(a<b)<<4|(a>=b)<<5
        h.mix(m)
h.mix(30)
print('rv64i-branch %016x'%h.h)
h=H()
for v in [4,4,4,44,6,99]: h.mix(v)
print('rv64i-jump %016x'%h.h)
# loadstore
h=H()
mem=bytearray(((i*37+0x81)&0xff) for i in range(64))
def ld(off,n,signed):
    v=int.from_bytes(mem[32+off:32+off+n],'little'); return u(sx(v,8*n)) if signed else v
for op,off in [('lb',0),('lb',1),('lb',-1),('lb',31),('lb',-32),('lbu',0),('lbu',3),('lbu',-3),('lh',0),('lh',2),('lh',-2),('lh',30),('lhu',0),('lhu',6),('lhu',-8),('lw',0),('lw',4),('lw',-4),('lw',28),('lwu',0),('lwu',12),('lwu',-32),('ld',0),('ld',8),('ld',-8),('ld',24),('ld',-32)]:
    n={'b':1,'h':2,'w':4,'d':8}[op[1]]; h.mix(ld(off,n,not op.endswith('u') or op=='ld'))
def st(off,n,v): mem[32+off:32+off+n]=(v&((1<<(8*n))-1)).to_bytes(n,'little')
for v in E:
    st(0,1,v); st(-1,1,v>>8); st(2,2,v); st(-6,2,v>>16); st(4,4,v); st(-12,4,v>>32); st(8,8,v); st(-32,8,u(~v)); st(31,1,v^0x5a)
    for k in range(8): h.mix(int.from_bytes(mem[8*k:8*k+8],'little'))
print('rv64i-loadstore %016x'%h.h)
# lrsc
h=H()
for v in [0x1111,0,1,0x2222]: h.mix(v)
for v in [0xffffffff80000000,0,1,0x01234567fffffff0]: h.mix(v)
print('rv64a-lrsc %016x'%h.h)
# amo
def amo(op,width,m,v):
    if width==32:
        a=sx(m,32); b=sx(v,32); ua=m&0xffffffff; ub=v&0xffffffff
    else:
        a=s64(m); b=s64(v); ua=m; ub=v
    r={'add':a+b,'swap':b,'and':a&b,'or':a|b,'xor':a^b,'min':min(a,b),'max':max(a,b),'minu':min(ua,ub),'maxu':max(ua,ub)}[op]
    return r
h=H()
wops=['add','swap','and','or','xor','min','max','minu','maxu','add']
dops=['add','swap','and','or','xor','min','max','minu','maxu','swap','maxu']
for a in E:
    for b in E:
        for op in wops:
            cell=0xa5a5a5a500000000|(a&0xffffffff)
            h.mix(w(cell)); new=amo(op,32,cell,b)
            cell=(cell&~0xffffffff)|(new&0xffffffff); h.mix(cell)
        for op in dops:
            h.mix(a); h.mix(u(amo(op,64,a,b)))
print('rv64a-amo %016x'%h.h)
h=H()
A=0x123456789abcdef0;B=0x0fedcba987654321
out=[u(-32),0x1f000,0xfffffffffffe0000,M,0,0xffffffff80000000,0x8000000000000000,0xf000000000000000,1,0x7fffffffffffffef,4,M,
 u(A-B),A^B,A|B,A&B,w(A-B),w(A+B),u(A+B),u(2*B),0xffffffff9abcdef0,B,B,0x0fedcba9,0x0fedcba99abcdef0,0x0fedcba99abcdef0,6,17,0,2,0,62]
for v in out: h.mix(v)
print('rvc %016x'%h.h)
h=H()
for v in [1,2,42]: h.mix(v)
print('fence %016x'%h.h)
h=H()
for v in [0x5a5a5a5a5a5a5a5a,0x123456789,0x1234567f9,0x1234566f0,17,25,24,24,24,24,0,0]: h.mix(v)
print('zicsr %016x'%h.h)
