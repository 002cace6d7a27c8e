var b=document.getElementById("copy"),t=document.getElementById("zalo");
function done(){b.textContent=t.dataset.done;}
b.hidden=false;b.onclick=function(){if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(t.value).then(done);}
else{t.focus();t.select();if(document.execCommand("copy")){done();}}};
