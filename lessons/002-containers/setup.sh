kubectl run broken --image=busybox:1.366 -- sleep 3600
