// The placeholder web page served at "/": sign in, see who you are, and the
// links to the API. The full web application (issue 3) replaces it.
#include "http/api.h"

namespace rapport {

const std::string& WebPage() {
  static const std::string kPage = R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rapport</title>
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1d2433}
h1{font-size:1.6rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1.2rem;font-size:1rem;background:#2457d6;color:#fff;border:0;border-radius:4px}
#msg,#pwmsg{color:#b00020;min-height:1.2rem;margin-top:.8rem}.muted{color:#5b6474}code{background:#eef1f6;padding:0 .2rem}
</style></head><body>
<h1>Rapport</h1>
<div id="signin"><p class="muted">Sign in with the administrator email and one-time password printed by <code>make run</code>.</p>
<form id="f"><label for="email">Email</label><input id="email" type="email" autocomplete="username" required>
<label for="password">Password</label><input id="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button><div id="msg" role="alert"></div></form></div>
<form id="pw" hidden><p>You signed in with a one-time password. Choose your own (at least 10 characters).</p>
<label for="np">New password</label><input id="np" type="password" autocomplete="new-password" minlength="10" required>
<button type="submit">Save password</button><div id="pwmsg" role="alert"></div></form>
<div id="home" hidden><p>Signed in as <strong id="who"></strong>.</p>
<p>The web application arrives with the next release. Meanwhile: <a href="/api/v1/openapi.json">the API (OpenAPI 3.1)</a>,
<a href="/api/v1/leads">your leads</a>, <a href="/api/v1/contacts">contacts</a>, <a href="/api/v1/opportunities">opportunities</a>.</p>
<button id="out">Sign out</button></div>
<script>
let csrf='',current='',user=null;
const $=id=>document.getElementById(id);
function show(j){user=j.user;$('signin').hidden=true;
if(j.must_change_password){$('pw').hidden=false;$('np').focus();return;}
$('pw').hidden=true;$('home').hidden=false;$('who').textContent=user.name+' <'+user.email+'> ('+user.role+')';}
fetch('/api/v1/auth/me').then(r=>r.ok?r.json():null).then(j=>{if(j){csrf=j.csrf_token;show(j);}});
$('pw').addEventListener('submit',async e=>{e.preventDefault();
const r=await fetch('/api/v1/auth/password',{method:'POST',headers:{'Content-Type':'application/json','X-CSRF-Token':csrf},
body:JSON.stringify({current_password:current,new_password:$('np').value})});
if(r.ok){show({user:user,must_change_password:false});}else{const j=await r.json();$('pwmsg').textContent=j.error.message;}});
document.getElementById('f').addEventListener('submit',async e=>{e.preventDefault();
const r=await fetch('/api/v1/auth/login',{method:'POST',headers:{'Content-Type':'application/json'},
body:JSON.stringify({email:$('email').value,password:$('password').value})});
const j=await r.json();if(r.ok){csrf=j.csrf_token;current=$('password').value;show(j);}else{$('msg').textContent=j.error.message;}});
document.getElementById('out').addEventListener('click',async()=>{await fetch('/api/v1/auth/logout',{method:'POST',headers:{'X-CSRF-Token':csrf}});location.reload();});
</script></body></html>
)HTML";
  return kPage;
}

}  // namespace rapport
